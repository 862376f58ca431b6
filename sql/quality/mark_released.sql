-- Release parked records: every open quarantine row of each record, by the batch whose load
-- brought what they were waiting for. The loadable views then include them.
update {quarantine}
set
    released_at = now(),
    released_batch_id = %(released_by)s
where batch_id = %(batch_id)s
    and record_no = any(%(record_nos)s)
    and released_at is null
