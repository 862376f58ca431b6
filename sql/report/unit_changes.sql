-- The units that appeared in and disappeared from the tree since the previous report (the
-- latest version of R − 7): new units, merged or dissolved ones (domain.md, "Reorganisation").
-- Empty when there is no previous report. Grain: one row per unit that changed.
with

this_report as (
    select unit_code, unit_name, unit_level, tree_path
    from mart.chi_thi_04_weekly
    where tree_code = %(tree_code)s and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s
),

previous_report as (
    select unit_code, unit_name, unit_level, tree_path
    from mart.chi_thi_04_latest
    where tree_code = %(tree_code)s and report_date = %(report_date)s::date - 7
),

changes as (
    select 'appeared' as change, t.unit_code, t.unit_name, t.unit_level
    from this_report as t
    where exists (select from previous_report)
        and not exists (select from previous_report as p where p.unit_code = t.unit_code)
    union all
    select 'disappeared' as change, p.unit_code, p.unit_name, p.unit_level
    from previous_report as p
    where not exists (select from this_report as t where t.unit_code = p.unit_code)
)

select *
from changes
order by change, unit_code collate "C"
