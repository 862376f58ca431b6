-- V010: the batch state machine, parked rows released inside a load, deliveries sent once,
-- and the retention of personal data (docs/architecture.md, "A batch's life").
--
-- landed → staged → validated → loaded, or rejected, or superseded. Every transition commits
-- with the work it records, and the trigger below refuses any other transition, so a retried
-- task always finds the state its last commit left.

-- ---------------------------------------------------------------------------------------------
-- meta.load_batch: the 'staged' state, who superseded a batch, when its personal data went
-- ---------------------------------------------------------------------------------------------

alter table meta.load_batch drop constraint load_batch_status_check;
alter table meta.load_batch add constraint load_batch_status_check
    check (status in ('landed', 'staged', 'validated', 'loaded', 'rejected', 'superseded'));
alter table meta.load_batch
    add column superseded_by bigint references meta.load_batch (batch_id),
    add column pii_scrubbed_at timestamptz,
    add check ((status = 'superseded') = (superseded_by is not null));

-- Batches staged before V010 kept the status 'landed' with their counts set.
update meta.load_batch set status = 'staged' where status = 'landed' and n_extracted is not null;

comment on column meta.load_batch.status is
    'Trạng thái lô / landed → staged → validated → loaded, or rejected, or superseded '
    '(docs/architecture.md)';
comment on column meta.load_batch.superseded_by is
    'Lô thay thế / the newer extraction of the same window that replaced this batch';
comment on column meta.load_batch.pii_scrubbed_at is
    'Thời điểm xoá dữ liệu cá nhân / when the clear-text personal fields of this batch''s raw and '
    'quarantined records were removed (Variable tthc_raw_pii_retention_days)';

create function meta.check_batch_transition() returns trigger
language plpgsql as $$
begin
    if new.status = old.status then
        return new;
    end if;
    if not (
        (old.status = 'landed' and new.status in ('staged', 'superseded'))
        or (old.status = 'staged' and new.status in ('landed', 'validated', 'rejected', 'loaded',
                                                     'superseded'))
        or (old.status = 'validated' and new.status in ('landed', 'rejected', 'loaded',
                                                        'superseded'))
        or (old.status = 'rejected' and new.status in ('landed', 'validated', 'superseded'))
        or (old.status = 'loaded' and new.status = 'superseded')
    ) then
        raise exception 'batch %: % → % is not a transition of the batch state machine',
            old.batch_id, old.status, new.status
            using errcode = 'check_violation';
    end if;
    return new;
end;
$$;

create trigger load_batch_transition before update of status on meta.load_batch
for each row execute function meta.check_batch_transition();

comment on function meta.check_batch_transition() is
    'Chỉ cho phép chuyển trạng thái hợp lệ / refuses any batch status change the state machine '
    'does not allow';

-- ---------------------------------------------------------------------------------------------
-- Parked rows: a released quarantine row no longer keeps its record out of the load
-- ---------------------------------------------------------------------------------------------

create or replace view staging.don_vi_loadable as
select s.*
from staging.don_vi as s
where s.unit_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.don_vi as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

create or replace view staging.thu_tuc_loadable as
select s.*
from staging.thu_tuc as s
where s.procedure_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.thu_tuc as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

create or replace view staging.ho_so_loadable as
select s.*
from staging.ho_so as s
where s.dossier_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.ho_so as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

create or replace view staging.giao_dich_loadable as
select s.*
from staging.giao_dich as s
where s.payment_ref is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.giao_dich as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

comment on column quarantine.don_vi.released_at is
    'Thời điểm giải phóng / when the missing reference arrived and the record was loaded';
comment on column quarantine.don_vi.released_batch_id is
    'Lô giải phóng bản ghi / the batch whose load brought the reference and loaded the record';
comment on column quarantine.thu_tuc.released_at is
    'Thời điểm giải phóng / when the missing reference arrived and the record was loaded';
comment on column quarantine.thu_tuc.released_batch_id is
    'Lô giải phóng bản ghi / the batch whose load brought the reference and loaded the record';
comment on column quarantine.ho_so.released_at is
    'Thời điểm giải phóng / when the missing reference arrived and the record was loaded';
comment on column quarantine.ho_so.released_batch_id is
    'Lô giải phóng bản ghi / the batch whose load brought the reference and loaded the record';
comment on column quarantine.giao_dich.released_at is
    'Thời điểm giải phóng / when the missing reference arrived and the record was loaded';
comment on column quarantine.giao_dich.released_batch_id is
    'Lô giải phóng bản ghi / the batch whose load brought the reference and loaded the record';

-- Staging rows of batches loaded before V010 leave with the retention step
-- (transform/retention.py) once their window is past the retention period.

-- The records still waiting for a reference: open quarantine rows, all of reference rules, of
-- loaded batches (a rejected batch's window is extracted again; a superseded one was). Only
-- batches whose gate found a reference failure are read, so the open rows of other rules,
-- which accumulate for ever, cost nothing here.
create index dq_result_reference_failure_idx on meta.dq_result (batch_id)
where is_reference and unexpected_count > 0;

create view meta.parked_record as
with

waiting_batches as (
    select distinct batch.entity, batch.batch_id
    from meta.dq_result as result
    inner join meta.load_batch as batch
        on batch.batch_id = result.batch_id
    where result.is_reference
        and result.unexpected_count > 0
        and batch.status = 'loaded'
),

open_rows as (
    select 'don_vi' as entity, q.batch_id, q.record_no, q.rule, q.quarantined_at
    from quarantine.don_vi as q
    where q.released_at is null
        and q.batch_id in (select batch_id from waiting_batches where entity = 'don_vi')
    union all
    select 'thu_tuc', q.batch_id, q.record_no, q.rule, q.quarantined_at
    from quarantine.thu_tuc as q
    where q.released_at is null
        and q.batch_id in (select batch_id from waiting_batches where entity = 'thu_tuc')
    union all
    select 'ho_so', q.batch_id, q.record_no, q.rule, q.quarantined_at
    from quarantine.ho_so as q
    where q.released_at is null
        and q.batch_id in (select batch_id from waiting_batches where entity = 'ho_so')
    union all
    select 'giao_dich', q.batch_id, q.record_no, q.rule, q.quarantined_at
    from quarantine.giao_dich as q
    where q.released_at is null
        and q.batch_id in (select batch_id from waiting_batches where entity = 'giao_dich')
)

select
    open_rows.entity,
    open_rows.batch_id,
    open_rows.record_no,
    array_agg(open_rows.rule order by open_rows.rule) as rules,
    min(open_rows.quarantined_at) as parked_at
from open_rows
inner join meta.dq_result as result
    on result.batch_id = open_rows.batch_id and result.rule = open_rows.rule
group by open_rows.entity, open_rows.batch_id, open_rows.record_no
having bool_and(result.is_reference);

comment on view meta.parked_record is
    'Bản ghi chờ tham chiếu / records parked only because what they refer to (a unit, procedure '
    'or dossier) has not arrived; released inside the load that brings it';

-- ---------------------------------------------------------------------------------------------
-- Deliveries: each published version's summary is sent once
-- ---------------------------------------------------------------------------------------------

create table meta.report_delivery (
    report_date date not null,
    snapshot_version integer not null,
    channel text not null default 'summary',
    delivered_at timestamptz not null default now(),
    recipients text[] not null,
    subject text not null,
    primary key (report_date, snapshot_version, channel),
    foreign key (report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (report_date, snapshot_version)
);

comment on table meta.report_delivery is
    'Báo cáo đã gửi / each published version''s summary, recorded in the transaction that sends it, '
    'so that a retried or cleared task never sends it twice';
comment on column meta.report_delivery.channel is 'Kênh gửi / what was sent (summary)';
comment on column meta.report_delivery.delivered_at is 'Thời điểm gửi / when it was sent';
comment on column meta.report_delivery.recipients is
    'Người nhận / the e-mail recipients (empty: logged only, no SMTP connection)';
comment on column meta.report_delivery.subject is 'Tiêu đề / the subject line sent';

-- The records still parked when a version was published, by rule (its information sheet and
-- summary say so); not part of the content hash.
alter table mart.chi_thi_04_snapshot
    add column parked_by_rule jsonb not null default '{}',
    add column parked_in_period jsonb not null default '{}',
    add column max_parked_share numeric check (max_parked_share between 0 and 1);
comment on column mart.chi_thi_04_snapshot.parked_by_rule is
    'Bản ghi còn chờ tham chiếu khi công bố / records still parked for a missing reference at '
    'publication, per rule, e.g. {"giao_dich.unknown_dossier": 3}';
comment on column mart.chi_thi_04_snapshot.parked_in_period is
    'Bản ghi của kỳ còn chờ tham chiếu / per entity, the records the period''s batches extracted '
    'and how many of them were still parked at publication: {"ho_so": [extracted, parked]}';
comment on column mart.chi_thi_04_snapshot.max_parked_share is
    'Ngưỡng cảnh báo bản ghi chờ / the share of parked records above which the report carries a '
    'warning (Variable tthc_max_parked_share at publication)';
