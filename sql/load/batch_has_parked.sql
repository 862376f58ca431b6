-- Whether a batch has records parked for a missing reference (meta.parked_record): their staged
-- rows stay until a later load releases them, so its staging tables are not truncated.
select exists(
    select from meta.parked_record
    where entity = %(entity)s and batch_id = %(batch_id)s
)
