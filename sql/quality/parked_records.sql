-- Records parked only for missing references: every open quarantine row of the record names a
-- reference rule. Rejected and superseded batches are left alone (their window is extracted
-- again), and so are released rows.
-- Grain: one row per (batch, record).
select
    quarantined.batch_id,
    quarantined.record_no
from {quarantine} as quarantined
inner join meta.load_batch as batch
    on batch.batch_id = quarantined.batch_id
where batch.status in ('validated', 'loaded')
group by quarantined.batch_id, quarantined.record_no
having bool_and(
    quarantined.released_at is null
    and quarantined.rule = any(%(reference_rules)s)
)
order by quarantined.batch_id, quarantined.record_no
