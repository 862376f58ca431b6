-- Remove the given batches' rows from one staging table of their entity ({table}), but for
-- the records parked for a reference (meta.parked_record): a later load releases them from
-- here. The load runs it for each table of its entity that it could not truncate, and for no
-- other table: it never waits for a lock on another entity's staging.
with

kept as (
    select batch_id, record_no
    from meta.parked_record
    where entity = %(entity)s and batch_id = any(%(batch_ids)s)
)

delete from {table} as s
where s.batch_id = any(%(batch_ids)s)
    and not exists (select from kept as k
                    where k.batch_id = s.batch_id and k.record_no = s.record_no)
