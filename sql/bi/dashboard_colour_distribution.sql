-- Metabase dashboard card "Phân bố màu": how many units have each overall colour in the latest
-- version of the latest report date (tthc_deploy/metabase_dashboard.py).
-- Grain: one row per overall colour present.
with

latest_date as (
    select max(report_date) as report_date
    from mart.chi_thi_04_snapshot
),

latest_rows as (
    select l.overall_colour
    from mart.chi_thi_04_latest as l
    inner join latest_date as d on l.report_date = d.report_date
)

select
    case overall_colour
        when 'xanh' then '1 Xanh'
        when 'vang' then '2 Vàng'
        when 'cam' then '3 Cam'
        when 'do' then '4 Đỏ'
        else '5 Trắng'
    end as colour,
    count(*) as units
from latest_rows
group by overall_colour
order by colour
