-- Metabase dashboard card "Xu hướng toàn tỉnh": the root rows' three rates over the last twelve
-- report dates, latest version of each (tthc_deploy/metabase_dashboard.py).
-- Grain: one row per (report tree's root unit, report date).
with

roots as (
    select tree_code, unit_name, report_date, on_time_rate, online_rate, online_payment_rate
    from mart.chi_thi_04_latest
    where unit_depth = 0
),

last_dates as (
    select distinct report_date
    from roots
    order by report_date desc
    limit 12
)

select
    r.report_date,
    r.unit_name,
    r.on_time_rate,
    r.online_rate,
    r.online_payment_rate
from roots as r
inner join last_dates as d on r.report_date = d.report_date
order by r.report_date, r.tree_code
