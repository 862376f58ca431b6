-- The calendar years (Asia/Ho_Chi_Minh) of a batch's fact dates that dw.dim_date does not cover
-- yet, so the load can add them before any fact points at a missing day.
with

batch_moments as (
    select unnest(array[submitted_at, received_at, due_at, finished_at, returned_at]) as moment
    from staging.ho_so
    where batch_id = %(batch_id)s
    union all
    select processed_at
    from staging.ho_so_tien_do
    where batch_id = %(batch_id)s
    union all
    select unnest(array[requested_at, received_at])
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s
    union all
    select unnest(array[initiated_at, succeeded_at, refunded_at])
    from staging.giao_dich
    where batch_id = %(batch_id)s
),

batch_days as (
    select distinct (moment at time zone 'Asia/Ho_Chi_Minh')::date as calendar_date
    from batch_moments
    where moment is not null
)

select distinct extract(year from b.calendar_date)::integer as year
from batch_days as b
where not exists (select from dw.dim_date as d where d.calendar_date = b.calendar_date)
order by year
