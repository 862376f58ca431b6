-- Replace a batch's quarantine rows with the failures the gate just found (dq_failure).
-- Grain: one row per (record, rule). The raw record travels with it. A row found again keeps
-- when it was first quarantined and whether it was released, so re-running the gate over a
-- batch neither resets nor repeats a release.
with

previous as (
    delete from {quarantine}
    where batch_id = %(batch_id)s
    returning record_no, rule, quarantined_at, released_at, released_batch_id
)

insert into {quarantine} (
    batch_id, record_no, rule, expectation, details, record,
    quarantined_at, released_at, released_batch_id
)
select
    %(batch_id)s as batch_id,
    failure.record_no,
    failure.rule,
    failure.expectation,
    failure.details,
    raw_record.record,
    coalesce(previous.quarantined_at, now()) as quarantined_at,
    previous.released_at,
    previous.released_batch_id
from dq_failure as failure
inner join {raw} as raw_record
    on raw_record.batch_id = %(batch_id)s and raw_record.record_no = failure.record_no
left join previous
    on previous.record_no = failure.record_no and previous.rule = failure.rule
