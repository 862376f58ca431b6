-- Release the parked records of one batch whose references resolve now (the SELECT of
-- quality.suites.resolved_records_sql, composed in below): every open quarantine row of each,
-- by the batch whose load brought what they were waiting for. The loadable views then include them.
-- Returns how many records were released.
with

resolved as (
    {resolved}
),

marked as (
    update {quarantine}
    set
        released_at = now(),
        released_batch_id = %(released_by)s
    where batch_id = %(batch_id)s
        and record_no in (select record_no from resolved)
        and released_at is null
)

select count(*) as n_released
from resolved
