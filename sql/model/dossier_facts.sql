-- What the state at a cutoff of every candidate dossier (model_dossier_candidates) received
-- by then is, whatever the period it is counted in, into the temporary table
-- model_dossier_facts: its status, due dates in force, finished date, supplement rounds, online
-- payment, 766 on-time verdict and handling time. dossier_state.sql adds what depends on the
-- period's start. Definitions: shared/spec/domain.md ("The weekly report") and
-- shared/spec/scorecards.md. Every status is the one in force at a moment (the last step of
-- dw.fact_dossier_status before it), so a period scored again after later loads gives the
-- numbers it gave then.
-- Grain: one row per candidate dossier received by the cutoff (status at the cutoff neither 1
-- nor 3), counted by the unit in force at the cutoff.
-- Parameters: earliest_start (the first of the periods' starts), cutoff.
create temporary table model_dossier_facts on commit drop as

with

-- Import --------------------------------------------------------------------------------------

-- a candidate of the earliest period is a candidate of the model: one row per dossier
status_at_cutoff as (
    select dossier_key, status, status_at, step_no
    from model_dossier_status
    where period_start = %(earliest_start)s
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

-- materialised: its dates are computed once, not again in each expression that reads them
dossier_states as materialized (
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
    dossier_key,
    dossier_code,
    source_code,
    unit_code,
    procedure_durable_key,
    received_at,
    channel_key,
    procedure_online_level,
    procedure_has_fees,
    is_online,
    has_fees,
    has_digitised_components,
    has_electronic_result,
    is_vneid_verified,
    is_paid_online,
    last_paid_online_at,
    status,
    status_step_no,
    is_finished,
    is_paused,
    supplement_rounds,
    received_on,
    finished_on,
    due_on,
    due_on_when_finished,
    is_on_time_766,
    handling_working_days
from dossier_outcomes
