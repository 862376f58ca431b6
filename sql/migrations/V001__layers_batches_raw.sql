-- V001: the warehouse layers, batch bookkeeping, watermarks and the raw landing tables.
-- Grain of raw.*: one row per record as received from the source, per extraction batch.

create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quarantine;
create schema if not exists dw;
create schema if not exists mart;
create schema if not exists meta;

comment on schema raw is 'Bản ghi nguyên trạng từ nguồn / records exactly as extracted (append-only)';
comment on schema staging is 'Dữ liệu chuẩn hoá của lô đang nạp / typed, normalised rows of the batch being loaded';
comment on schema quarantine is 'Bản ghi bị loại và lý do / rejected rows with the rule that rejected them';
comment on schema dw is 'Lược đồ hình sao / the star schema for BI';
comment on schema mart is 'Bảng báo cáo / report tables (Directive 04 weekly snapshot)';
comment on schema meta is 'Siêu dữ liệu vận hành / batches, watermarks, data-quality results, configuration';

-- One extraction batch: one entity, one window, one DAG run attempt.
create table meta.load_batch (
    batch_id bigint generated always as identity primary key,
    entity text not null check (entity in ('don_vi', 'thu_tuc', 'ho_so', 'giao_dich')),
    window_start timestamptz not null,
    window_end timestamptz not null,
    dag_id text,
    run_id text,
    extracted_at timestamptz not null default now(),
    status text not null default 'landed'
        check (status in ('landed', 'validated', 'loaded', 'rejected', 'superseded')),
    n_received integer not null default 0,     -- rows received, paging duplicates included
    n_duplicates integer,                      -- identical copies of a record (paging quirk)
    n_extracted integer,                       -- distinct records = n_loaded + n_quarantined
    n_loaded integer,
    n_quarantined integer,
    finished_at timestamptz,
    check (window_start < window_end)
);
create index load_batch_entity_window_idx on meta.load_batch (entity, window_start, window_end);
comment on table meta.load_batch is
    'Lô trích xuất / one extraction batch of one entity for one window, with its reconciliation counts';

-- Which windows are loaded into dw (the weekly job checks coverage here).
create table meta.watermark (
    entity text not null,
    window_start timestamptz not null,
    window_end timestamptz not null,
    batch_id bigint not null references meta.load_batch (batch_id),
    loaded_at timestamptz not null,
    primary key (entity, window_start, window_end)
);
comment on table meta.watermark is 'Cửa sổ đã nạp / windows whose data is loaded into dw, with the batch that loaded them';

-- Raw landing: the record's JSON content as received (jsonb keeps every value exactly,
-- not the key order or whitespace). Window and extraction time are on meta.load_batch.
create table raw.don_vi (
    batch_id bigint not null references meta.load_batch (batch_id),
    record_no integer not null,
    record jsonb not null,
    primary key (batch_id, record_no)
);
create table raw.thu_tuc (like raw.don_vi including all);
create table raw.ho_so (like raw.don_vi including all);
create table raw.giao_dich (like raw.don_vi including all);
alter table raw.thu_tuc add foreign key (batch_id) references meta.load_batch (batch_id);
alter table raw.ho_so add foreign key (batch_id) references meta.load_batch (batch_id);
alter table raw.giao_dich add foreign key (batch_id) references meta.load_batch (batch_id);
comment on table raw.don_vi is 'Đơn vị nguyên trạng / unit catalogue records as received';
comment on table raw.thu_tuc is 'Thủ tục nguyên trạng / procedure catalogue records as received';
comment on table raw.ho_so is 'Hồ sơ nguyên trạng / dossier records as received (contains personal data)';
comment on table raw.giao_dich is 'Giao dịch nguyên trạng / payment transactions as received';
