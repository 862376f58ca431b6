-- The one-stop compliance flags of a snapshot version being published (shared/spec/scorecards.md,
-- "Compliance flags"), from the very classification that produced its rows (report_dossiers):
-- no second definition of resolved, late or overdue. Only flagged dossiers are stored, at the
-- unit of the tree that counts them; compliance_counts.sql rolls them up over each subtree.
-- Grain: one row per (flag, source, flagged dossier).
-- Parameters: tree_code, report_date (R), snapshot_version, cutoff (R 00:00).
insert into mart.chi_thi_04_compliance_dossier (
    tree_code, report_date, snapshot_version, flag, source_code, dossier_code, counted_unit_code,
    reason, officer_code, due_date, finished_date, days_overdue, status_code
)

with

resolved_dossiers as (
    select dossier_key, dossier_code, source_code, unit_code, resolution, status, due_on,
        finished_on
    from report_dossiers
    where is_resolved_in_period
),

-- the officer of the reception step (the first status 2) and of the resolving step (the last
-- status 9 before the cutoff); a dossier finished without a status 9 (withdrawn, or returned
-- straight away) has no resolving step and is not flagged. Looked up by primary key for these
-- few dossiers (the limit keeps the planner from hashing the whole status history: at 1M
-- dossiers that took 2 s of the publish, bench/RESULTS.md), in the same step as the flag: a
-- join back to resolved_dossiers, misestimated, became a nested loop of 18k × 18k rows
same_officer as (
    select
        'same_officer' as flag,
        d.source_code,
        d.dossier_code,
        d.unit_code,
        'resolved_' || d.resolution as reason,
        reception.officer_code,
        d.due_on,
        d.finished_on,
        case when d.resolution = 'late' then d.finished_on - d.due_on end as days_overdue,
        d.status
    from resolved_dossiers as d
    cross join lateral (
        select s.officer_code
        from dw.fact_dossier_status as s
        where s.dossier_key = d.dossier_key and s.status_key = 2 and s.status_at < %(cutoff)s
        order by s.status_at, s.step_no
        limit 1
    ) as reception
    cross join lateral (
        select s.officer_code
        from dw.fact_dossier_status as s
        where s.dossier_key = d.dossier_key and s.status_key = 9 and s.status_at < %(cutoff)s
        order by s.status_at desc, s.step_no desc
        limit 1
    ) as resolving
    where reception.officer_code = resolving.officer_code
),

-- what the row counts as resolved_late or pending_overdue; due_on is the due date it missed
-- (for a pending one the due date in force at the cutoff)
late_dossiers as (
    select
        dossier_key, dossier_code, source_code, unit_code, status, status_step_no, due_on,
        case when is_finished then finished_on end as finished_on,
        case when is_overdue then 'pending_overdue' else 'resolved_late' end as reason,
        case
            when is_overdue then %(report_date)s::date - due_on
            else finished_on - due_on
        end as days_overdue
    from report_dossiers
    where is_overdue or (is_resolved_in_period and resolution = 'late')
),

late_without_apology as (
    select
        'late_without_apology' as flag,
        d.source_code,
        d.dossier_code,
        d.unit_code,
        d.reason,
        step.officer_code,
        d.due_on,
        d.finished_on,
        d.days_overdue,
        d.status
    from late_dossiers as d
    left join dw.fact_dossier_status as step
        on d.dossier_key = step.dossier_key and d.status_step_no = step.step_no
    where not exists (
        select from dw.fact_dossier_apology as a
        where a.dossier_key = d.dossier_key
            and (a.apologised_at at time zone 'Asia/Ho_Chi_Minh')::date <= d.due_on
    )
)

select
    %(tree_code)s as tree_code,
    %(report_date)s::date as report_date,
    %(snapshot_version)s as snapshot_version,
    f.*
from (
    select * from same_officer
    union all
    select * from late_without_apology
) as f
