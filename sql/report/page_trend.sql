-- Grain: one row per report date. The root's rates over the last twelve published report dates
-- up to this one, as the report page draws them: this version for its own date and, for each
-- earlier date, the latest version published no later than this one. A page written again
-- later (a retried task) reads the same rows, whatever was published since.
with

this_version as (
    select published_at
    from mart.chi_thi_04_snapshot
    where tree_code = %(tree_code)s
        and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s
),

versions_then as (
    select distinct on (s.report_date)
        s.report_date,
        s.snapshot_version
    from mart.chi_thi_04_snapshot as s
    cross join this_version as t
    where s.tree_code = %(tree_code)s
        and s.published_at <= t.published_at
        and (
            s.report_date < %(report_date)s
            or (s.report_date = %(report_date)s and s.snapshot_version = %(snapshot_version)s)
        )
    order by s.report_date desc, s.snapshot_version desc
),

last_weeks as (
    select
        report_date,
        snapshot_version
    from versions_then
    order by report_date desc
    limit %(weeks)s
),

root_rows as (
    select distinct on (w.report_date)
        w.report_date,
        w.on_time_rate,
        w.online_rate,
        w.online_payment_rate,
        w.overall_colour
    from mart.chi_thi_04_weekly as w
    inner join last_weeks as l
        on w.report_date = l.report_date and w.snapshot_version = l.snapshot_version
    where w.tree_code = %(tree_code)s and w.unit_depth = 0
    order by w.report_date, w.tree_path
)

select *
from root_rows
order by report_date
