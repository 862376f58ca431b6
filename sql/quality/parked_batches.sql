-- The batches of one entity of one source that hold records parked only for missing
-- references (meta.parked_record). Grain: one row per batch.
select p.batch_id
from meta.parked_record as p
inner join meta.load_batch as b on p.batch_id = b.batch_id
where p.entity = %(entity)s and b.source_code = %(source_code)s
group by p.batch_id
order by p.batch_id
