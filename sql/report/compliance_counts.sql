-- The compliance counts of a snapshot version being published: per unit of report_rows, the
-- flagged dossiers just stored (compliance_dossiers.sql) over the unit's subtree, and over its own
-- dossiers only (what the summary ranks units by), next to the row's denominators.
-- Grain: one row per unit of the tree at the cutoff (report_rows).
-- Parameters: tree_code, report_date (R), snapshot_version.
insert into mart.chi_thi_04_compliance_count (
    tree_code, report_date, snapshot_version, unit_code, resolved, same_officer, late_or_overdue,
    late_without_apology, own_same_officer, own_late_without_apology
)

with

flags_by_unit as (
    select
        counted_unit_code as unit_code,
        count(*) filter (where flag = 'same_officer') as same_officer,
        count(*) filter (where flag = 'late_without_apology') as late_without_apology
    from mart.chi_thi_04_compliance_dossier
    where tree_code = %(tree_code)s and report_date = %(report_date)s
        and snapshot_version = %(snapshot_version)s
    group by counted_unit_code
),

-- each unit's flags once for every unit above it (a unit being its own ancestor)
flags_by_ancestor as (
    select
        c.ancestor_code as unit_code,
        sum(f.same_officer) as same_officer,
        sum(f.late_without_apology) as late_without_apology
    from flags_by_unit as f
    inner join model_unit_closure as c on f.unit_code = c.unit_code
    group by c.ancestor_code
)

select
    %(tree_code)s as tree_code,
    %(report_date)s::date as report_date,
    %(snapshot_version)s as snapshot_version,
    r.unit_code,
    r.resolved,
    coalesce(a.same_officer, 0) as same_officer,
    r.resolved_late + r.pending_overdue as late_or_overdue,
    coalesce(a.late_without_apology, 0) as late_without_apology,
    coalesce(o.same_officer, 0) as own_same_officer,
    coalesce(o.late_without_apology, 0) as own_late_without_apology
from report_rows as r
left join flags_by_ancestor as a on r.unit_code = a.unit_code
left join flags_by_unit as o on r.unit_code = o.unit_code
