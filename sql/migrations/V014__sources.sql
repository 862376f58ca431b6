-- V014: several source systems in one warehouse (issue 14; shared/spec/domain.md,
-- "Reorganisation"). Each source system (a province's one-stop system and its payment platform)
-- is one entry of config/sources.yaml; every batch, watermark, dimension and fact carries its
-- source_code, natural keys are unique per source (two systems may both issue the same MaHoSo),
-- and surrogate keys hash source and code. Every published report belongs to a report tree
-- (tree_code): a province, a merged province over several sources, or the national rollup.
--
-- Rows written before this migration belong to the first source and the first tree of the
-- configuration: the migration runner sets tthc.legacy_source and tthc.legacy_tree from it.

-- ---------------------------------------------------------------------------------------------
-- The configured sources and trees, as the last run found them in config/sources.yaml
-- ---------------------------------------------------------------------------------------------

create table meta.report_tree (
    tree_code text primary key check (tree_code ~ '^[a-z][a-z0-9_]{1,39}$'),
    tree_name text not null,
    parent_tree_code text references meta.report_tree (tree_code) deferrable initially deferred,
    config_order integer not null,
    is_configured boolean not null default true
);

comment on table meta.report_tree is
    'Cây báo cáo: tỉnh, tỉnh hợp nhất nhiều hệ thống, toàn quốc / report trees, as config/sources.yaml '
    'last said: a province, a merged province over several source systems, or the national rollup';
comment on column meta.report_tree.tree_code is 'Mã cây báo cáo / tree code, e.g. da_nang, toan_quoc';
comment on column meta.report_tree.tree_name is 'Tên gốc của cây / the name of the tree''s root';
comment on column meta.report_tree.parent_tree_code is
    'Cây cha (vd toan_quoc) / the tree this one is a child of in a rollup; NULL at the top';
comment on column meta.report_tree.config_order is 'Thứ tự trong cấu hình / order in the configuration';
comment on column meta.report_tree.is_configured is
    'Còn trong cấu hình / still in the configuration (removed trees keep their published reports)';

create table meta.source (
    source_code text primary key check (source_code ~ '^[a-z][a-z0-9_]{1,39}$'),
    source_name text not null,
    tree_code text not null references meta.report_tree (tree_code) deferrable initially deferred,
    tthc_connection text not null,
    payment_connection text not null,
    config_order integer not null,
    is_configured boolean not null default true
);

comment on table meta.source is
    'Hệ thống nguồn (một cửa + thanh toán của một tỉnh) / source systems, as config/sources.yaml '
    'last said: every batch and every dw row names one';
comment on column meta.source.source_code is 'Mã nguồn / source code: in DAG ids and every dw row';
comment on column meta.source.source_name is 'Tên hệ thống nguồn / name of the source system';
comment on column meta.source.tree_code is 'Cây báo cáo chứa nguồn / the report tree the source belongs to';
comment on column meta.source.tthc_connection is 'Kết nối Airflow tới hệ thống một cửa / Airflow connection of the one-stop system';
comment on column meta.source.payment_connection is 'Kết nối Airflow tới nền tảng thanh toán / Airflow connection of the payment platform';
comment on column meta.source.config_order is
    'Thứ tự trong cấu hình: mã đơn vị trùng giữa các nguồn lấy tên theo nguồn đứng trước / order in '
    'the configuration; a unit code two sources of a tree share takes the first one''s attributes';
comment on column meta.source.is_configured is
    'Còn trong cấu hình / still in the configuration (a removed source keeps its rows)';

-- the legacy source and tree, for rows that predate this migration
do $$
declare
    legacy_source text := nullif(current_setting('tthc.legacy_source', true), '');
    legacy_tree text := nullif(current_setting('tthc.legacy_tree', true), '');
begin
    if legacy_source is not null then
        insert into meta.report_tree (tree_code, tree_name, config_order)
        values (legacy_tree, legacy_tree, 0);
        insert into meta.source (
            source_code, source_name, tree_code, tthc_connection, payment_connection, config_order
        ) values (legacy_source, legacy_source, legacy_tree, 'tthc_system', 'payment_platform', 0);
    elsif exists (select from meta.load_batch) then
        raise exception 'V014 needs tthc.legacy_source and tthc.legacy_tree for the rows already '
            'loaded (the migration runner sets them from config/sources.yaml)';
    end if;
end
$$;

create function meta.legacy_source() returns text
language sql stable
return nullif(current_setting('tthc.legacy_source', true), '');

create function meta.legacy_tree() returns text
language sql stable
return nullif(current_setting('tthc.legacy_tree', true), '');

-- ---------------------------------------------------------------------------------------------
-- Batches and watermarks belong to a source
-- ---------------------------------------------------------------------------------------------

alter table meta.load_batch add column source_code text references meta.source (source_code);
update meta.load_batch set source_code = meta.legacy_source();
alter table meta.load_batch alter column source_code set not null;
comment on column meta.load_batch.source_code is 'Nguồn của lô / the source system extracted';

drop index meta.load_batch_entity_window_idx;
create index load_batch_source_entity_window_idx
    on meta.load_batch (source_code, entity, window_start, window_end);

alter table meta.watermark add column source_code text;
update meta.watermark set source_code = meta.legacy_source();
alter table meta.watermark
    alter column source_code set not null,
    drop constraint watermark_pkey,
    add primary key (source_code, entity, window_start, window_end);
comment on column meta.watermark.source_code is 'Nguồn / the source system whose window was loaded';

-- ---------------------------------------------------------------------------------------------
-- Surrogate keys hash the source with the natural key
-- ---------------------------------------------------------------------------------------------

create function dw.source_key(source_code text, natural_key text) returns bigint
language sql immutable parallel safe
return dw.hash_key(source_code || '/' || natural_key);

comment on function dw.source_key(text, text) is
    'Khoá thay thế của mã tự nhiên trong một nguồn / the 63-bit surrogate (durable) key of a natural '
    'key within a source: hash of source_code/code, so two sources'' equal codes never meet';

create function dw.source_version_key(
    source_code text, natural_key text, valid_from timestamptz
) returns bigint
language sql stable parallel safe
return dw.version_key(source_code || '/' || natural_key, valid_from);

comment on function dw.source_version_key(text, text, timestamptz) is
    'Khoá phiên bản SCD2 trong một nguồn / the surrogate key of an SCD2 version within a source';

-- old durable keys (hash of the code) → new ones, for the facts that refer to them
create temporary table rekeyed_unit on commit drop as
select distinct
    unit_durable_key as old_key, dw.source_key(meta.legacy_source(), unit_code) as new_key
from dw.dim_unit
where unit_key <> -1;

create temporary table rekeyed_procedure on commit drop as
select distinct
    procedure_durable_key as old_key,
    dw.source_key(meta.legacy_source(), procedure_code) as new_key
from dw.dim_procedure
where procedure_key <> -1;

-- a fact naming a unit or procedure dw does not hold cannot be re-keyed: refuse, loudly
do $$
begin
    if exists (
        select from dw.fact_dossier as f
        where (f.unit_durable_key <> -1
                and not exists (select from rekeyed_unit as u where u.old_key = f.unit_durable_key))
            or (f.procedure_durable_key <> -1
                and not exists (select from rekeyed_procedure as p
                                where p.old_key = f.procedure_durable_key))
    ) then
        raise exception 'V014: dw.fact_dossier names units or procedures missing from the '
            'dimensions; they cannot be re-keyed by source';
    end if;
end
$$;

-- the dimensions
alter table dw.dim_unit add column source_code text references meta.source (source_code);
update dw.dim_unit set
    source_code = meta.legacy_source(),
    unit_key = dw.source_version_key(meta.legacy_source(), unit_code, valid_from),
    unit_durable_key = dw.source_key(meta.legacy_source(), unit_code)
where unit_key <> -1;
alter table dw.dim_unit
    drop constraint dim_unit_unit_code_valid_from_key,
    add constraint dim_unit_source_code_valid_from_key unique (source_code, unit_code, valid_from),
    add constraint dim_unit_source_known check ((source_code is null) = (unit_key = -1));
drop index dw.dim_unit_current_code_idx;
create index dim_unit_current_code_idx on dw.dim_unit (source_code, unit_code) where is_current;
comment on column dw.dim_unit.source_code is
    'Nguồn của đơn vị, NULL ở dòng -1 / the source system of the unit; NULL for the unknown member';
comment on column dw.dim_unit.unit_key is
    'Khoá phiên bản = hash(nguồn/mã, valid_from) / version surrogate key: hash of source/code and valid_from';
comment on column dw.dim_unit.unit_durable_key is
    'Khoá bền = hash(nguồn/mã), chung cho mọi phiên bản; bảng sự kiện tham chiếu khoá này / durable '
    'key = hash of source/code, the same for every version; facts refer to it';

update dw.bridge_procedure_unit as b set
    procedure_key = dw.source_version_key(meta.legacy_source(), p.procedure_code, p.valid_from),
    unit_durable_key = dw.source_key(meta.legacy_source(), b.unit_code)
from dw.dim_procedure as p
where p.procedure_key = b.procedure_key;
alter table dw.bridge_procedure_unit add column source_code text references meta.source (source_code);
update dw.bridge_procedure_unit set source_code = meta.legacy_source();
alter table dw.bridge_procedure_unit alter column source_code set not null;
comment on column dw.bridge_procedure_unit.source_code is 'Nguồn / the source system';

alter table dw.dim_procedure add column source_code text references meta.source (source_code);
update dw.dim_procedure set
    source_code = meta.legacy_source(),
    procedure_key = dw.source_version_key(meta.legacy_source(), procedure_code, valid_from),
    procedure_durable_key = dw.source_key(meta.legacy_source(), procedure_code)
where procedure_key <> -1;
alter table dw.dim_procedure
    drop constraint dim_procedure_procedure_code_valid_from_key,
    add constraint dim_procedure_source_code_valid_from_key
        unique (source_code, procedure_code, valid_from),
    add constraint dim_procedure_source_known check ((source_code is null) = (procedure_key = -1));
comment on column dw.dim_procedure.source_code is
    'Nguồn của thủ tục, NULL ở dòng -1 / the source system of the procedure; NULL for the unknown member';

-- the facts: children first, while fact_dossier still has the old keys
update dw.fact_dossier_status as s set dossier_key = dw.source_key(meta.legacy_source(), d.dossier_code)
from dw.fact_dossier as d
where d.dossier_key = s.dossier_key;
alter table dw.fact_dossier_status add column source_code text references meta.source (source_code);
update dw.fact_dossier_status set source_code = meta.legacy_source();
alter table dw.fact_dossier_status alter column source_code set not null;
comment on column dw.fact_dossier_status.source_code is 'Nguồn / the source system';

update dw.fact_dossier_supplement as s set
    dossier_key = dw.source_key(meta.legacy_source(), d.dossier_code)
from dw.fact_dossier as d
where d.dossier_key = s.dossier_key;
alter table dw.fact_dossier_supplement add column source_code text references meta.source (source_code);
update dw.fact_dossier_supplement set source_code = meta.legacy_source();
alter table dw.fact_dossier_supplement alter column source_code set not null;
comment on column dw.fact_dossier_supplement.source_code is 'Nguồn / the source system';

alter table dw.fact_payment add column source_code text references meta.source (source_code);
update dw.fact_payment as f set
    source_code = meta.legacy_source(),
    payment_key = dw.source_key(meta.legacy_source(), f.payment_ref),
    dossier_key = case
        when f.dossier_key = -1 then -1 else dw.source_key(meta.legacy_source(), f.dossier_code)
    end,
    unit_durable_key = coalesce(
        (select u.new_key from rekeyed_unit as u where u.old_key = f.unit_durable_key), -1
    ),
    procedure_durable_key = coalesce(
        (select p.new_key from rekeyed_procedure as p where p.old_key = f.procedure_durable_key), -1
    );
alter table dw.fact_payment
    alter column source_code set not null,
    drop constraint fact_payment_payment_ref_key,
    add constraint fact_payment_source_ref_key unique (source_code, payment_ref);
comment on column dw.fact_payment.source_code is 'Nguồn (nền tảng thanh toán của tỉnh) / the source system';
comment on column dw.fact_payment.payment_key is 'Khoá = hash(nguồn/MaThamChieu) / surrogate key: hash of source/payment_ref';

alter table dw.fact_dossier add column source_code text references meta.source (source_code);
update dw.fact_dossier as f set
    source_code = meta.legacy_source(),
    dossier_key = dw.source_key(meta.legacy_source(), f.dossier_code),
    unit_durable_key = coalesce(
        (select u.new_key from rekeyed_unit as u where u.old_key = f.unit_durable_key), -1
    ),
    procedure_durable_key = coalesce(
        (select p.new_key from rekeyed_procedure as p where p.old_key = f.procedure_durable_key), -1
    );
alter table dw.fact_dossier
    alter column source_code set not null,
    drop constraint fact_dossier_dossier_code_key,
    add constraint fact_dossier_source_code_key unique (source_code, dossier_code);
comment on column dw.fact_dossier.source_code is 'Nguồn (hệ thống một cửa) / the source system';
comment on column dw.fact_dossier.dossier_key is 'Khoá = hash(nguồn/MaHoSo) / surrogate key: hash of source/dossier_code';

-- ---------------------------------------------------------------------------------------------
-- Published reports belong to a report tree
-- ---------------------------------------------------------------------------------------------

-- adding a column with a default rewrites no published row (the immutability triggers are row
-- triggers on update and delete), and the defaults go again at once
alter table meta.report_delivery drop constraint report_delivery_report_date_snapshot_version_fkey;
alter table mart.chi_thi_04_weekly drop constraint chi_thi_04_weekly_report_date_snapshot_version_fkey;

do $$
begin
    execute format(
        'alter table mart.chi_thi_04_snapshot add column tree_code text not null default %L',
        coalesce(meta.legacy_tree(), '-'));
    execute format(
        'alter table mart.chi_thi_04_snapshot add column source_codes text[] not null default %L',
        array_remove(array[meta.legacy_source()], null));
    execute format(
        'alter table mart.chi_thi_04_weekly add column tree_code text not null default %L',
        coalesce(meta.legacy_tree(), '-'));
    execute format(
        'alter table meta.report_delivery add column tree_code text not null default %L',
        coalesce(meta.legacy_tree(), '-'));
end
$$;

alter table mart.chi_thi_04_snapshot
    alter column tree_code drop default,
    alter column source_codes drop default,
    drop constraint chi_thi_04_snapshot_pkey,
    add primary key (tree_code, report_date, snapshot_version);
alter table mart.chi_thi_04_weekly
    alter column tree_code drop default,
    drop constraint chi_thi_04_weekly_pkey,
    add primary key (tree_code, report_date, unit_code, snapshot_version),
    add foreign key (tree_code, report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version);
alter table meta.report_delivery
    alter column tree_code drop default,
    drop constraint report_delivery_pkey,
    add primary key (tree_code, report_date, snapshot_version, channel),
    add foreign key (tree_code, report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (tree_code, report_date, snapshot_version);

comment on column mart.chi_thi_04_snapshot.tree_code is
    'Cây báo cáo (tỉnh, tỉnh hợp nhất, toàn quốc) / the report tree: one snapshot series per tree';
comment on column mart.chi_thi_04_snapshot.source_codes is
    'Các nguồn được tổng hợp / the source systems the version sums';
comment on column mart.chi_thi_04_weekly.tree_code is 'Cây báo cáo / the report tree';
comment on column meta.report_delivery.tree_code is 'Cây báo cáo / the report tree';

-- the views: the latest version per tree and report date; tree_code comes last, so the views
-- keep their columns and BI questions built on them keep working
create or replace view mart.chi_thi_04_latest as
select w.*
from mart.chi_thi_04_weekly as w
inner join (
    select tree_code, report_date, max(snapshot_version) as snapshot_version
    from mart.chi_thi_04_snapshot
    group by tree_code, report_date
) as latest using (tree_code, report_date, snapshot_version);

create or replace view mart.chi_thi_04_regressions as
select
    l.report_date,
    l.unit_code,
    l.unit_name,
    l.unit_level,
    i.indicator,
    i.previous_colour,
    i.colour,
    l.snapshot_version,
    l.tree_code
from mart.chi_thi_04_latest as l
cross join lateral (
    values
        ('on_time', l.prev_on_time_colour, l.on_time_colour),
        ('online', l.prev_online_colour, l.online_colour),
        ('payment', l.prev_payment_colour, l.payment_colour),
        ('overall', l.prev_overall_colour, l.overall_colour)
) as i (indicator, previous_colour, colour)
where mart.colour_rank(i.colour) < mart.colour_rank(i.previous_colour);

create or replace view mart.v_chi_thi_04_long as
with latest as (
    select * from mart.chi_thi_04_latest
),

indicators as (
    select
        l.report_date,
        l.period_start,
        l.period_end,
        l.unit_code,
        l.unit_name,
        l.unit_level,
        l.parent_unit_code,
        i.indicator,
        i.indicator_name_vi,
        i.indicator_name_en,
        i.numerator,
        i.denominator,
        i.value,
        i.colour,
        l.snapshot_version,
        l.published_at,
        l.tree_code
    from latest as l
    cross join lateral (
        values
            ('on_time', 'Giải quyết đúng hạn', 'Resolved on time',
                l.resolved_early + l.resolved_on_time, l.resolved + l.pending_overdue,
                l.on_time_rate, l.on_time_colour),
            ('online', 'Hồ sơ trực tuyến', 'Filed online',
                l.received_online, l.received, l.online_rate, l.online_colour),
            ('payment', 'Thanh toán trực tuyến', 'Paid online',
                l.paid_online_dossiers, l.fee_dossiers, l.online_payment_rate, l.payment_colour),
            ('overall', 'Xếp hạng chung', 'Overall', null, null, null, l.overall_colour)
    ) as i (indicator, indicator_name_vi, indicator_name_en, numerator, denominator, value, colour)
)

select
    report_date,
    period_start,
    period_end,
    unit_code,
    unit_name,
    unit_level,
    parent_unit_code,
    indicator,
    indicator_name_vi,
    indicator_name_en,
    numerator,
    denominator,
    value,
    colour,
    case colour
        when 'xanh' then 'Xanh' when 'vang' then 'Vàng' when 'cam' then 'Cam'
        when 'do' then 'Đỏ' when 'trang' then 'Trắng'
    end as colour_name_vi,
    case colour
        when 'xanh' then 'Green' when 'vang' then 'Yellow' when 'cam' then 'Orange'
        when 'do' then 'Red' when 'trang' then 'White'
    end as colour_name_en,
    mart.colour_rank(colour) as colour_rank,
    snapshot_version,
    published_at,
    tree_code
from indicators;

comment on column mart.chi_thi_04_latest.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.chi_thi_04_regressions.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.v_chi_thi_04_long.tree_code is 'Cây báo cáo / the report tree';

-- ---------------------------------------------------------------------------------------------
-- The unit tree of a report tree at a cutoff
-- ---------------------------------------------------------------------------------------------

-- The sources a report tree sums (its own and its descendants'), and the default tree. They
-- read meta, which BI's bi_reader cannot: security definer, so that dw.unit_tree_at and
-- dw.v_unit_tree_current work for BI while meta stays closed (they return codes only).
create function dw.tree_sources(tree text)
returns setof text
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
with recursive trees (tree_code) as (
    select t.tree_code from meta.report_tree as t where t.tree_code = tree
    union
    select child.tree_code
    from meta.report_tree as child
    inner join trees as parent on child.parent_tree_code = parent.tree_code
)
select s.source_code
from meta.source as s
where s.tree_code in (select trees.tree_code from trees)
$$;

comment on function dw.tree_sources(text) is
    'Các nguồn của một cây báo cáo / the sources a report tree sums: its own and its child trees''';

-- the tree a warehouse reports by default: the first top-level tree of the configuration
create function dw.default_tree()
returns text
language sql stable security definer
set search_path = pg_catalog, pg_temp
return (
    select t.tree_code
    from meta.report_tree as t
    where t.parent_tree_code is null
    order by not t.is_configured, t.config_order
    limit 1
);

drop function dw.unit_tree_at(timestamptz) cascade;  -- and dw.v_unit_tree_current, rebuilt below

create function dw.unit_tree_at(cutoff timestamptz, tree text)
returns table (
    unit_durable_key bigint,
    unit_code text,
    unit_name text,
    unit_level text,
    parent_unit_code text,
    successor_unit_code text,
    is_in_force boolean,
    report_unit_code text,
    unit_depth integer,
    ancestor_codes text[],
    source_code text
)
language sql stable security definer  -- reads meta's trees for BI, which cannot (see above)
set search_path = pg_catalog, pg_temp
rows 1000
as $$
with recursive

-- the report tree and its child trees; a tree of one source and no child tree is that source's
-- own unit tree, any other gets a root of its own (the merged province, toan_quoc)
trees (tree_code, tree_name, parent_tree_code) as (
    select t.tree_code, t.tree_name, null::text
    from meta.report_tree as t
    where t.tree_code = tree
    union
    select child.tree_code, child.tree_name, child.parent_tree_code
    from meta.report_tree as child
    inner join trees as parent on child.parent_tree_code = parent.tree_code
),

tree_sources as (
    select s.source_code, s.tree_code, s.config_order
    from meta.source as s
    inner join trees as t on s.tree_code = t.tree_code
),

composite_trees as (
    select t.tree_code, t.tree_name, t.parent_tree_code,
        exists (select from trees as c where c.parent_tree_code = t.tree_code) as has_child_trees
    from trees as t
    where (select count(*) from tree_sources as s where s.tree_code = t.tree_code) > 1
        or exists (select from trees as c where c.parent_tree_code = t.tree_code)
),

-- where a source's root hangs: its tree's own root, else (a one-source tree) its parent tree's
source_attachments as (
    select
        s.source_code,
        case
            when s.tree_code in (select c.tree_code from composite_trees as c) then s.tree_code
            else (select t.parent_tree_code from trees as t where t.tree_code = s.tree_code)
        end as attach_to
    from tree_sources as s
),

-- each unit as its catalogue described it at the cutoff: its newest version by then; a unit
-- first loaded after the cutoff (a warehouse started after a reorganisation) by its earliest
-- version, whose NgayHieuLuc / NgayHetHieuLuc say whether it was in force then
versions as (
    select distinct on (d.source_code, d.unit_code)
        d.source_code,
        d.unit_durable_key,
        d.unit_code,
        d.unit_name,
        d.unit_level,
        d.parent_unit_code,
        d.successor_unit_code,
        coalesce(d.effective_from <= cutoff, true)
        and coalesce(cutoff < d.effective_to, d.is_active is not false) as is_in_force
    from dw.dim_unit as d
    inner join tree_sources as s on d.source_code = s.source_code
    order by
        d.source_code,
        d.unit_code,
        d.valid_from <= cutoff desc,
        case when d.valid_from <= cutoff then d.valid_from end desc,
        d.valid_from asc
),

-- where everything of a source without a unit in force goes: its root (a unit in force
-- without a parent; a provincial one first when bad data leaves several)
main_roots as (
    select distinct on (v.source_code) v.source_code, v.unit_code
    from versions as v
    where v.is_in_force and v.parent_unit_code is null
    order by v.source_code, v.unit_level = 'tinh' desc, v.unit_code collate "C"
),

-- a unit not in force walks its successors (MaDonViKeThua) to the first one in force
successor_walk (source_code, unit_code, at_code, path) as (
    select v.source_code, v.unit_code, v.successor_unit_code, array[v.unit_code]
    from versions as v
    where not v.is_in_force and v.successor_unit_code is not null
    union all
    select w.source_code, w.unit_code, v.successor_unit_code, w.path || v.unit_code
    from successor_walk as w
    inner join versions as v on w.source_code = v.source_code and w.at_code = v.unit_code
    where not v.is_in_force and v.successor_unit_code is not null
        and v.unit_code <> all(w.path)
),

successor_in_force as (
    select distinct on (w.source_code, w.unit_code) w.source_code, w.unit_code, w.at_code
    from successor_walk as w
    inner join versions as v
        on w.source_code = v.source_code and w.at_code = v.unit_code and v.is_in_force
    order by w.source_code, w.unit_code, cardinality(w.path)
),

-- every unit code of the tree's sources → the unit in force whose row counts it at the cutoff
report_units as (
    select
        v.source_code,
        v.unit_durable_key,
        v.unit_code,
        case
            when v.is_in_force then v.unit_code
            else coalesce(s.at_code, r.unit_code)
        end as report_unit_code
    from versions as v
    left join successor_in_force as s
        on v.source_code = s.source_code and v.unit_code = s.unit_code
    left join main_roots as r on v.source_code = r.source_code
),

-- the tree: units in force under their parent at the cutoff; a parent no longer in force is
-- replaced by where its dossiers go, so no branch is cut off from the root; a unit code two
-- sources share is one unit, described by the first source of the configuration
tree_units as (
    (select distinct on (v.unit_code)
        v.source_code,
        v.unit_code,
        v.unit_name,
        v.unit_level,
        case
            when v.parent_unit_code is null then a.attach_to
            when r.report_unit_code = v.unit_code then m.unit_code
            else coalesce(r.report_unit_code, m.unit_code)
        end as parent_unit_code
    from versions as v
    inner join tree_sources as ts on v.source_code = ts.source_code
    inner join source_attachments as a on v.source_code = a.source_code
    left join main_roots as m on v.source_code = m.source_code
    left join report_units as r
        on v.source_code = r.source_code and v.parent_unit_code = r.unit_code
    where v.is_in_force
    order by v.unit_code, ts.config_order)
    union all
    select
        null as source_code,
        c.tree_code,
        c.tree_name,
        case when c.has_child_trees then 'toan_quoc' else 'tinh' end,
        c.parent_tree_code
    from composite_trees as c
),

walk_down (unit_code, path) as (
    select t.unit_code, array[t.unit_code]
    from tree_units as t
    where t.parent_unit_code is null
    union all
    select child.unit_code, w.path || child.unit_code
    from walk_down as w
    inner join tree_units as child on w.unit_code = child.parent_unit_code
    where child.unit_code <> all(w.path)
)

select
    k.unit_durable_key,
    k.unit_code,
    v.unit_name,
    v.unit_level,
    t.parent_unit_code,
    v.successor_unit_code,
    v.is_in_force,
    k.report_unit_code,
    cardinality(w.path) - 1 as unit_depth,
    w.path as ancestor_codes,
    k.source_code
from report_units as k
inner join versions as v on k.source_code = v.source_code and k.unit_code = v.unit_code
left join tree_units as t on k.unit_code = t.unit_code and k.source_code = t.source_code
left join walk_down as w on t.unit_code = w.unit_code
union all
select
    null as unit_durable_key,
    t.unit_code,
    t.unit_name,
    t.unit_level,
    t.parent_unit_code,
    null as successor_unit_code,
    true as is_in_force,
    t.unit_code as report_unit_code,
    cardinality(w.path) - 1 as unit_depth,
    w.path as ancestor_codes,
    null as source_code
from tree_units as t
left join walk_down as w on t.unit_code = w.unit_code
where t.source_code is null
$$;

comment on function dw.unit_tree_at(timestamptz, text) is
    'Cây đơn vị của một cây báo cáo tại thời điểm C / the unit tree of report tree `tree` at cutoff '
    'C (domain.md, "Reorganisation"): one row per (source, unit code) of its sources, its version '
    'at C, whether it is in force, report_unit_code = the unit in force whose row counts its '
    'dossiers (itself, the first successor in force, else its source''s root), and for units in '
    'the tree their parent at C, depth and ancestor_codes (root first, itself last). A tree over '
    'several sources or child trees has a root row of its own (source_code NULL, code = tree code)';

create function dw.unit_tree_at(cutoff timestamptz)
returns table (
    unit_durable_key bigint,
    unit_code text,
    unit_name text,
    unit_level text,
    parent_unit_code text,
    successor_unit_code text,
    is_in_force boolean,
    report_unit_code text,
    unit_depth integer,
    ancestor_codes text[],
    source_code text
)
language sql stable
rows 1000
as $$
select * from dw.unit_tree_at(cutoff, dw.default_tree())
$$;

comment on function dw.unit_tree_at(timestamptz) is
    'Cây đơn vị tại C của cây báo cáo mặc định / the unit tree at cutoff C of the default report '
    'tree (the first top-level tree of config/sources.yaml); dw.unit_tree_at(C, tree) for another';

create view dw.v_unit_tree_current as
select
    unit_code,
    unit_name,
    unit_level,
    parent_unit_code,
    successor_unit_code,
    is_in_force,
    report_unit_code,
    unit_depth,
    array_to_string(ancestor_codes, '/') as tree_path,
    source_code
from dw.unit_tree_at(now());

comment on view dw.v_unit_tree_current is
    'Cây đơn vị hiện hành; cây tại ngày bất kỳ: select * from dw.unit_tree_at(''2025-07-01'') / '
    'the unit tree now (default report tree), one row per unit code: units dissolved or merged '
    'show where their dossiers count (report_unit_code); for the tree at any date call '
    'dw.unit_tree_at(timestamp), for another report tree dw.unit_tree_at(timestamp, tree)';
comment on column dw.v_unit_tree_current.unit_code is 'Mã đơn vị / unit code';
comment on column dw.v_unit_tree_current.unit_name is 'Tên đơn vị / unit name';
comment on column dw.v_unit_tree_current.unit_level is 'Cấp đơn vị / unit level';
comment on column dw.v_unit_tree_current.parent_unit_code is
    'Đơn vị cha trong cây hiện hành / parent in the current tree (NULL at the root and for units '
    'not in force)';
comment on column dw.v_unit_tree_current.successor_unit_code is
    'Đơn vị kế thừa MaDonViKeThua / successor unit';
comment on column dw.v_unit_tree_current.is_in_force is 'Đang có hiệu lực / in force now';
comment on column dw.v_unit_tree_current.report_unit_code is
    'Đơn vị tính hồ sơ của mã này / the unit whose row counts this code''s dossiers';
comment on column dw.v_unit_tree_current.unit_depth is 'Độ sâu, 0 ở gốc / depth, 0 at the root';
comment on column dw.v_unit_tree_current.tree_path is
    'Đường dẫn từ gốc / path from the root, codes separated by /';
comment on column dw.v_unit_tree_current.source_code is
    'Nguồn; NULL ở gốc riêng của cây nhiều nguồn / the source system; NULL for the own root of a '
    'tree over several sources';

do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on dw.v_unit_tree_current to bi_reader;
    end if;
end
$$;
