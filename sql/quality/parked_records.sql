-- The records of one entity parked only for missing references (meta.parked_record).
-- Grain: one row per (batch, record).
select batch_id, record_no
from meta.parked_record
where entity = %(entity)s
order by batch_id, record_no
