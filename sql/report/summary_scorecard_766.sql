-- The 766 totals of a Friday's summary: the month- and year-to-date forecasts as of the
-- cutoff (latest version) of every unit of a snapshot version, with the change since the
-- previous Friday, whether the unit is a leaf of the tree and the points it lost.
-- Grain: one row per unit × period type (month, ytd).
with units as (
    select
        unit_code,
        unit_name,
        unit_depth,
        parent_unit_code,
        tree_path
    from mart.chi_thi_04_weekly
    where tree_code = %(tree_code)s and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s
),

-- the tree's 766 totals as of the cutoff, computed once (materialised: joined to the units
-- row by row, the view's window over every published total ran once per unit, for half an
-- hour on a fresh warehouse without statistics)
totals as materialized (
    select
        unit_code,
        period_type,
        points_computed,
        points_possible,
        previous_points,
        points_change
    from mart.scorecard_766_weekly
    where tree_code = %(tree_code)s and as_of = %(cutoff)s and is_forecast
        and period_type in ('month', 'ytd')
),

-- the units that are some unit's parent (materialised, once: computed as the inner side of a
-- nested loop, as the planner did on a fresh table without statistics, an anti-join of the
-- units with themselves ran once per row, for minutes); the others are leaves
parents as materialized (
    select distinct parent_unit_code as unit_code
    from units
    where parent_unit_code is not null
)

select
    u.unit_code,
    u.unit_name,
    u.unit_depth,
    u.tree_path,
    w.period_type,
    w.points_computed,
    w.points_possible,
    w.previous_points,
    w.points_change,
    w.points_possible - w.points_computed as points_lost,
    parents.unit_code is null as is_leaf
from units as u
inner join totals as w on u.unit_code = w.unit_code
left join parents on u.unit_code = parents.unit_code
order by u.tree_path, w.period_type
