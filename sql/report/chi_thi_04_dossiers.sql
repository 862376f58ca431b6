-- Every dossier that counts in one report date's Directive 04 rows, classified, into the
-- temporary table report_dossiers. Grain: one row per dossier received by the cutoff C and not
-- finished before the period, with the unit in force at C whose row counts it (report_units:
-- its handling unit, a successor, or the root: never nobody).
-- Definitions: shared/spec/domain.md, "The weekly report". Every status is the one in force at a
-- moment (dw.fact_dossier_status: the last step before it), every due date the one in force at C
-- (a supplement round not completed by C keeps its NgayHenTraTruoc), so a report re-run after
-- later data has loaded gives the numbers it gave then.
-- Parameters: report_date (R), period_start (R − 7 days 00:00), cutoff (R 00:00), tree_code (the
-- report tree, whose sources' dossiers count).
create temporary table report_dossiers on commit drop as

with

-- Import: the dossiers that can count at all. One finished before the period started (its
-- NgayKetThucXuLy) counts in no column, so the scan stays proportional to recent activity.
candidate_dossiers as (
    select
        d.dossier_key,
        d.dossier_code,
        u.report_unit_code as unit_code,
        d.procedure_durable_key,
        d.channel_key,
        d.received_at,
        d.due_at,
        d.finished_at,
        d.fee_total
    from dw.fact_dossier as d
    left join report_units as u on d.unit_durable_key = u.unit_durable_key
    where d.source_code in (select dw.tree_sources(%(tree_code)s))
        and d.received_at < %(cutoff)s
        and (d.finished_at is null or d.finished_at >= %(period_start)s)
),

steps_before_cutoff as (
    select s.dossier_key, s.status_key, s.status_at, s.step_no
    from dw.fact_dossier_status as s
    inner join candidate_dossiers as d on s.dossier_key = d.dossier_key
    where s.status_at < %(cutoff)s
),

status_at_cutoff as (
    select distinct on (dossier_key) dossier_key, status_key as status, status_at, step_no
    from steps_before_cutoff
    order by dossier_key, status_at desc, step_no desc
),

status_at_period_start as (
    select distinct on (dossier_key) dossier_key, status_key as status
    from steps_before_cutoff
    where status_at < %(period_start)s
    order by dossier_key, status_at desc, step_no desc
),

-- the first supplement round not completed by the cutoff holds the due date then in force
round_open_at_cutoff as (
    select distinct on (r.dossier_key) r.dossier_key, r.previous_due_at
    from dw.fact_dossier_supplement as r
    inner join candidate_dossiers as d on r.dossier_key = d.dossier_key
    where r.received_at is null or r.received_at >= %(cutoff)s
    order by r.dossier_key, r.round_no
),

paid_online_at_cutoff as (
    select distinct p.dossier_key
    from dw.fact_payment as p
    inner join candidate_dossiers as d on p.dossier_key = d.dossier_key
    where p.payment_method = 'truc-tuyen'
        and p.succeeded_at < %(cutoff)s
        and (p.refunded_at is null or p.refunded_at >= %(cutoff)s)
),

-- Logic: each dossier's place in the report ----------------------------------------------------

dossier_states as (
    select
        d.dossier_key,
        d.dossier_code,
        d.unit_code,
        d.procedure_durable_key,
        d.channel_key = 2 as is_online,
        d.received_at >= %(period_start)s as is_received_in_period,
        d.fee_total > 0 as has_fees,
        pay.dossier_key is not null as is_paid_online,
        c.status,
        c.step_no as status_step_no,  -- the step in force: its room and officer (drill-down)
        ps.status as status_at_start,
        c.status in (7, 9, 10) as is_finished,
        (case when d.finished_at < %(cutoff)s then d.finished_at else c.status_at end
            at time zone 'Asia/Ho_Chi_Minh')::date as finished_on,
        (case when r.dossier_key is not null then r.previous_due_at else d.due_at end
            at time zone 'Asia/Ho_Chi_Minh')::date as due_on
    from candidate_dossiers as d
    inner join status_at_cutoff as c on d.dossier_key = c.dossier_key
    left join status_at_period_start as ps on d.dossier_key = ps.dossier_key
    left join round_open_at_cutoff as r on d.dossier_key = r.dossier_key
    left join paid_online_at_cutoff as pay on d.dossier_key = pay.dossier_key
    -- received: neither submitted-only (1) nor refused (3), nor an unknown status
    where c.status in (2, 4, 5, 6, 7, 8, 9, 10)
)

select
    *,
    is_finished and (status_at_start is distinct from 7)
        and (status_at_start is distinct from 9)
        and (status_at_start is distinct from 10) as is_resolved_in_period,
    case
        when status = 7 or due_on is null or finished_on = due_on then 'on_time'
        when finished_on < due_on then 'early'
        else 'late'
    end as resolution,
    not is_finished and status in (2, 4) and due_on < %(report_date)s::date as is_overdue,
    status_at_start in (2, 4, 5, 6, 8) and not is_received_in_period as is_carried_over
from dossier_states
