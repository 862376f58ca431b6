-- Metabase dashboard card "Tuân thủ một cửa": the one-stop compliance counts of every unit with
-- a flagged dossier of its own in the latest version of the latest report date, most flagged
-- first, with the subtree counts and denominators (tthc_deploy/metabase_dashboard.py).
-- Grain: one row per (report tree, unit) with at least one flag.
with

latest_date as (
    select max(report_date) as report_date
    from mart.chi_thi_04_snapshot
)

select
    c.unit_code,
    c.unit_name,
    c.own_same_officer,
    c.own_late_without_apology,
    c.same_officer,
    c.resolved,
    c.late_without_apology,
    c.late_or_overdue
from mart.chi_thi_04_compliance as c
inner join latest_date as d on c.report_date = d.report_date
where c.is_latest_version and c.own_same_officer + c.own_late_without_apology > 0
order by c.own_same_officer + c.own_late_without_apology desc, c.tree_path
