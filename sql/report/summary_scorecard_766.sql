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

leaves as (
    select u.unit_code
    from units as u
    where not exists (
        select 1
        from units as child
        where child.parent_unit_code = u.unit_code
    )
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
    leaves.unit_code is not null as is_leaf
from units as u
inner join totals as w on u.unit_code = w.unit_code
left join leaves on u.unit_code = leaves.unit_code
order by u.tree_path, w.period_type
