-- The (source, entity, day) triples of a report period that no loaded window covers, for every
-- source of the report tree. Grain: one row per missing triple. A day D (Asia/Ho_Chi_Minh) is
-- covered for a source's entity when a row of meta.watermark spans [D 00:00, D+1 00:00),
-- whatever the window size that loaded it.
with

period_days as (
    select source_code, entity, day
    from dw.tree_sources(%(tree_code)s) as source_code
    cross join unnest(%(entities)s::text[]) as entity
    cross join unnest(%(days)s::date[]) as day
),

day_windows as (
    select
        source_code,
        entity,
        day,
        day::timestamp at time zone 'Asia/Ho_Chi_Minh' as day_start,
        (day + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' as day_end
    from period_days
)

select d.source_code, d.entity, d.day
from day_windows as d
where not exists (
    select from meta.watermark as w
    where w.source_code = d.source_code
        and w.entity = d.entity
        and w.window_start <= d.day_start
        and w.window_end >= d.day_end
)
order by d.source_code, d.entity, d.day
