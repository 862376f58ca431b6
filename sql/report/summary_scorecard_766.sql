-- The 766 totals of a Friday's summary: the month- and year-to-date forecasts as of the
-- cutoff (latest version) of every unit of a snapshot version, with the change since the
-- previous Friday, whether the unit is a leaf of the tree and the points it lost.
-- Grain: one row per unit × period type (month, ytd).
with units as (
    select
        unit_code,
        unit_name,
        unit_depth,
        tree_path
    from mart.chi_thi_04_weekly
    where tree_code = %(tree_code)s and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s
),

leaves as (
    select u.unit_code
    from units as u
    where not exists (
        select 1
        from units as child
        where left(child.tree_path, length(u.tree_path) + 1) = u.tree_path || '/'
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
inner join mart.scorecard_766_weekly as w
    on
        w.unit_code = u.unit_code
        and w.tree_code = %(tree_code)s
        and w.as_of = %(cutoff)s
        and w.is_forecast
        and w.period_type in ('month', 'ytd')
left join leaves on u.unit_code = leaves.unit_code
order by u.tree_path, w.period_type
