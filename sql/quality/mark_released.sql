-- Mark parked records as released into a new batch (every rule row of each record).
update {quarantine}
set
    released_at = now(),
    released_batch_id = %(released_batch_id)s
where batch_id = %(batch_id)s
    and record_no = any(%(record_nos)s)
    and released_at is null
