-- The state at a cutoff of every dossier that can count in a period [period_start, cutoff) of
-- a report tree, into the temporary table dossier_state: the one model the scorecards
-- (config/scorecards/*.yaml, through sql/scorecard/measures.sql) read their dossier facts from.
-- The Directive 04 report reads it too (sql/report/chi_thi_04_dossiers.sql), so its dossier
-- rules are written once.
-- Grain: one row per (period start, dossier received by the cutoff (status at the cutoff neither
-- 1 nor 3) and not finished before the period): the candidates (sql/model/dossier_candidates.sql)
-- with their statuses (sql/model/dossier_status.sql), counted by the unit in force at the
-- cutoff. The periods modelled together end at the same cutoff (a Friday's month, quarter and
-- year to date): what does not depend on the period's start is worked out once per dossier,
-- and the few columns that do (received, paid, finished in the period) at the end.
-- Definitions: shared/spec/domain.md ("The weekly report") and shared/spec/scorecards.md. Every
-- status is the one in force at a moment (the last step of dw.fact_dossier_status before it),
-- so a period scored again after later loads gives the numbers it gave then.
-- Parameters: earliest_start (the first of the periods' starts s), cutoff (e: the periods'
-- end, or the Friday cutoff of periods that have not ended).
create temporary table dossier_state on commit drop as

with

-- Import --------------------------------------------------------------------------------------

-- a candidate of the earliest period is a candidate of the model: one row per dossier
status_at_cutoff as (
    select dossier_key, status, status_at, step_no
    from model_dossier_status
    where period_start = %(earliest_start)s
),

status_at_period_starts as (
    select dossier_key, period_start, status_at_start
    from model_dossier_status
),

payments_at_cutoff as (
    select
        p.dossier_key,
        max(p.succeeded_at) as last_paid_at
    from dw.fact_payment as p
    inner join model_dossier_candidates as d on p.dossier_key = d.dossier_key
    where p.payment_method = 'truc-tuyen'
        and p.succeeded_at < %(cutoff)s
        and (p.refunded_at is null or p.refunded_at >= %(cutoff)s)
    group by p.dossier_key
),

-- the count of working days up to each date (dw.dim_date): a difference of two is the working
-- days between them
working_day_numbers as (
    select
        calendar_date,
        count(*) filter (where is_working_day) over (order by calendar_date) as working_day_no
    from dw.dim_date
    where calendar_date is not null
),

-- Logic ---------------------------------------------------------------------------------------

finished_states as (
    select
        d.*,
        c.status,
        c.step_no as status_step_no,  -- the step in force: its room and officer (drill-down)
        c.status in (7, 9, 10) as is_finished,
        -- when it finished: its NgayKetThucXuLy when before the cutoff, else its finishing step
        case when d.finished_at < %(cutoff)s then d.finished_at else c.status_at end
            as finished_moment
    from model_dossier_candidates as d
    inner join status_at_cutoff as c on d.dossier_key = c.dossier_key
    -- received: neither submitted-only (1) nor refused (3), nor an unknown status
    where c.status in (2, 4, 5, 6, 7, 8, 9, 10)
),

-- a dossier's supplement rounds requested by the cutoff, and the first round not completed by a
-- moment, which holds the due date then in force (NgayHenTraTruoc): at the cutoff for every
-- dossier (Directive 04), and when it finished for a finished one (766); one pass over the
-- rounds, one row per dossier with rounds
supplement_rounds as (
    select
        r.dossier_key,
        (count(*) filter (where r.requested_at is null or r.requested_at < %(cutoff)s))::integer
            as rounds,
        (array_agg(r.previous_due_at order by r.round_no)
            filter (where r.received_at is null or r.received_at >= %(cutoff)s))[1]
            as due_at_open_at_cutoff,
        (array_agg(r.previous_due_at order by r.round_no)
            filter (where d.is_finished
                and (r.received_at is null or r.received_at >= d.finished_moment)))[1]
            as due_at_open_when_finished
    from dw.fact_dossier_supplement as r
    inner join finished_states as d on r.dossier_key = d.dossier_key
    group by r.dossier_key
),

dossier_states as (
    select
        d.dossier_key,
        d.dossier_code,
        d.source_code,
        d.unit_code,
        d.procedure_durable_key,
        d.received_at,
        d.channel_key,
        p.online_level as procedure_online_level,
        coalesce(p.has_fees, false) as procedure_has_fees,
        d.channel_key = 2 as is_online,
        d.fee_total > 0 as has_fees,
        coalesce(d.has_digitised_components, false) as has_digitised_components,
        d.has_electronic_result,
        d.is_vneid_verified,
        pay.dossier_key is not null as is_paid_online,
        pay.last_paid_at as last_paid_online_at,
        d.status,
        d.status_step_no,
        d.is_finished,
        d.status in (5, 6, 8) as is_paused,
        coalesce(sr.rounds, 0) as supplement_rounds,
        (d.received_at at time zone 'Asia/Ho_Chi_Minh')::date as received_on,
        case when d.is_finished then (d.finished_moment at time zone 'Asia/Ho_Chi_Minh')::date end
            as finished_on,
        (coalesce(sr.due_at_open_at_cutoff, d.due_at) at time zone 'Asia/Ho_Chi_Minh')::date
            as due_on,
        case
            when d.is_finished
                then (coalesce(sr.due_at_open_when_finished, d.due_at)
                    at time zone 'Asia/Ho_Chi_Minh')::date
        end as due_on_when_finished
    from finished_states as d
    left join model_procedures as p
        on d.procedure_durable_key = p.procedure_durable_key
    left join supplement_rounds as sr on d.dossier_key = sr.dossier_key
    left join payments_at_cutoff as pay on d.dossier_key = pay.dossier_key
),

-- what does not depend on the period: 766's on-time rule and the handling time
dossier_outcomes as (
    select
        s.*,
        -- 766's on-time rule (scorecards.md), stricter than Directive 04's: at most one
        -- supplement round; withdrawn is on time; pending is within time when due on or after
        -- date(e), paused, or without a due date
        case
            when s.status = 7 then true
            when s.is_finished then
                (s.due_on_when_finished is null or s.finished_on <= s.due_on_when_finished)
                and s.supplement_rounds <= 1
            else s.is_paused or s.due_on is null
                or s.due_on >= (%(cutoff)s::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date
        end as is_on_time_766,
        -- working days after the day of reception up to the day it finished (dw.dim_date:
        -- weekends, holidays and announced swaps); finished on the day of reception = 0
        finished_day.working_day_no - received_day.working_day_no as handling_working_days
    from dossier_states as s
    left join working_day_numbers as received_day on s.received_on = received_day.calendar_date
    left join working_day_numbers as finished_day on s.finished_on = finished_day.calendar_date
)

-- Final ---------------------------------------------------------------------------------------

select
    ps.period_start,
    s.dossier_key,
    s.dossier_code,
    s.source_code,
    s.unit_code,
    s.procedure_durable_key,
    s.received_at,
    s.channel_key,
    s.procedure_online_level,
    s.procedure_has_fees,
    s.is_online,
    s.received_at >= ps.period_start as is_received_in_period,
    s.has_fees,
    s.has_digitised_components,
    s.has_electronic_result,
    s.is_vneid_verified,
    s.is_paid_online,
    coalesce(s.last_paid_online_at >= ps.period_start, false) as is_paid_online_in_period,
    s.status,
    s.status_step_no,
    ps.status_at_start,
    s.is_finished,
    s.is_paused,
    s.supplement_rounds,
    s.received_on,
    s.finished_on,
    s.due_on,
    s.due_on_when_finished,
    s.is_finished and (ps.status_at_start is null or ps.status_at_start not in (7, 9, 10))
        as is_finished_in_period,
    s.is_on_time_766,
    s.handling_working_days
from dossier_outcomes as s
inner join status_at_period_starts as ps on s.dossier_key = ps.dossier_key
