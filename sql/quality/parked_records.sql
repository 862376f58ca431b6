-- The records of one entity of one source parked only for missing references
-- (meta.parked_record). Grain: one row per (batch, record).
select p.batch_id, p.record_no
from meta.parked_record as p
inner join meta.load_batch as b on p.batch_id = b.batch_id
where p.entity = %(entity)s and b.source_code = %(source_code)s
order by p.batch_id, p.record_no
