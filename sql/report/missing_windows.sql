-- The (entity, day) pairs of a report period that no loaded window covers.
-- Grain: one row per missing pair. A day D (Asia/Ho_Chi_Minh) is covered for an entity when a
-- row of meta.watermark spans [D 00:00, D+1 00:00), whatever the window size that loaded it.
with

period_days as (
    select entity, day
    from unnest(%(entities)s::text[]) as entity
    cross join unnest(%(days)s::date[]) as day
),

day_windows as (
    select
        entity,
        day,
        day::timestamp at time zone 'Asia/Ho_Chi_Minh' as day_start,
        (day + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' as day_end
    from period_days
)

select d.entity, d.day
from day_windows as d
where not exists (
    select from meta.watermark as w
    where w.entity = d.entity
        and w.window_start <= d.day_start
        and w.window_end >= d.day_end
)
order by d.entity, d.day
