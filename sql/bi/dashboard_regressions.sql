-- Metabase dashboard card "Đơn vị tụt hạng": the units and indicators that slipped in the latest
-- version of the latest report date, with how many dossiers the drill-down lists and how many
-- are new (tthc_deploy/metabase_dashboard.py).
-- Grain: one row per (report tree, regressed unit, indicator).
with

latest_date as (
    select max(report_date) as report_date
    from mart.chi_thi_04_snapshot
),

regressions as (
    select r.tree_code, r.unit_code, r.unit_name, r.indicator, r.previous_colour, r.colour
    from mart.chi_thi_04_regressions as r
    inner join latest_date as d on r.report_date = d.report_date
),

listed as (
    select
        l.tree_code,
        l.unit_code,
        l.indicator,
        count(*) as dossiers,
        count(*) filter (where l.is_new) as new_dossiers
    from mart.chi_thi_04_regression_dossiers as l
    inner join latest_date as d on l.report_date = d.report_date
    where l.is_latest_version
    group by l.tree_code, l.unit_code, l.indicator
)

select
    r.unit_code,
    r.unit_name,
    r.indicator,
    r.previous_colour,
    r.colour,
    coalesce(l.dossiers, 0) as dossiers,
    coalesce(l.new_dossiers, 0) as new_dossiers
from regressions as r
left join listed as l
    on r.tree_code = l.tree_code and r.unit_code = l.unit_code and r.indicator = l.indicator
order by dossiers desc, r.unit_code, r.indicator
