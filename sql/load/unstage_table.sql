-- Remove the given batches' rows from one staging table of their entity ({table}), but for
-- the records parked for a reference (meta.parked_record): a later load releases them from
-- here. transform/stage.unstage runs it for the tables of one entity: the load for those it
-- could not truncate, the release for a batch it loaded from, retention for scrubbed batches.
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
