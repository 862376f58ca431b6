-- A scorecard's totals for the roots of a Friday's summary: every forecast period published as
-- of the cutoff (latest version), points computed of points possible, and the same period's
-- total published the Friday before (none when the period began after it).
-- Grain: one row per root unit × period type of the scorecard.
-- Parameters: tree_code, report_date, snapshot_version, scorecard, cutoff.
with roots as (
    select
        unit_code,
        unit_name,
        tree_path
    from mart.chi_thi_04_weekly
    where tree_code = %(tree_code)s and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s and unit_depth = 0
),

-- materialised: computed once, whatever the planner guesses of the roots
totals as materialized (
    select
        unit_code,
        period_type,
        period_start,
        as_of,
        points,
        max_points
    from mart.scorecard_latest
    where tree_code = %(tree_code)s and scorecard = %(scorecard)s and item = 'total'
        and is_forecast
        and as_of in (%(cutoff)s, %(cutoff)s - interval '7 days')
)

select
    r.unit_code,
    r.unit_name,
    t.period_type,
    t.points as points_computed,
    t.max_points as points_possible,
    previous.points as previous_points,
    t.points - previous.points as points_change
from roots as r
inner join totals as t on r.unit_code = t.unit_code and t.as_of = %(cutoff)s
left join totals as previous
    on
        t.unit_code = previous.unit_code
        and t.period_type = previous.period_type
        and t.period_start = previous.period_start
        and previous.as_of = %(cutoff)s - interval '7 days'
order by r.tree_path, t.period_type
