-- The regression drill-down of a snapshot version being published: for every unit and
-- indicator of report_rows whose colour fell since the previous report, the dossiers of the
-- unit's subtree that count against it at the cutoff, from the very classification that
-- produced the rows (report_dossiers, model_units), so the lists and the counts agree.
-- Grain: one row per (regressed unit, indicator, source, dossier). What counts against which
-- indicator, and what is_new means: V016's comments on mart.chi_thi_04_regression_dossier.
-- Parameters: tree_code, report_date (R), snapshot_version, period_start (R − 7 days 00:00 = the
-- previous cutoff).
insert into mart.chi_thi_04_regression_dossier (
    tree_code, report_date, snapshot_version, unit_code, indicator, source_code, dossier_code,
    reason, counted_unit_code, procedure_code, channel_code, received_at, due_date,
    finished_date, days_overdue, status_code, handling_room, officer_code, is_new
)

with

regressed as (
    select r.unit_code, i.indicator
    from report_rows as r
    cross join lateral (
        values
            ('on_time', r.prev_on_time_colour, r.on_time_colour),
            ('online', r.prev_online_colour, r.online_colour),
            ('payment', r.prev_payment_colour, r.payment_colour),
            ('overall', r.prev_overall_colour, r.overall_colour)
    ) as i (indicator, previous_colour, colour)
    where mart.colour_rank(i.colour) < mart.colour_rank(i.previous_colour)
),

-- what each regressed (unit, indicator) lists: the indicator's own failures; for overall, those
-- of the indicators now at the overall colour, the ones that pulled it down
listings as (
    select unit_code, indicator, indicator as failing_indicator
    from regressed
    where indicator <> 'overall'
    union all
    select r.unit_code, 'overall' as indicator, i.indicator as failing_indicator
    from report_rows as r
    inner join regressed as g on r.unit_code = g.unit_code and g.indicator = 'overall'
    cross join lateral (
        values ('on_time', r.on_time_colour), ('online', r.online_colour),
            ('payment', r.payment_colour)
    ) as i (indicator, colour)
    where i.colour = r.overall_colour
),

-- each listing once per unit of its subtree (a unit being in its own subtree): small, and
-- materialised so that the failures below join it on (unit, indicator) by hash, rather than
-- meeting every listing of the same indicator first
listings_by_unit as materialized (
    select l.unit_code, l.indicator, l.failing_indicator, c.unit_code as member_unit_code
    from model_unit_closure as c
    inner join listings as l on c.ancestor_code = l.unit_code
),

-- the dossiers that count against each indicator, only where some listed unit needs them
late_dossiers as (
    select
        d.*,
        'on_time' as failing_indicator,
        case when d.is_overdue then 'pending_overdue' else 'resolved_late' end as reason
    from report_dossiers as d
    where (d.is_overdue or (d.is_resolved_in_period and d.resolution = 'late'))
        and exists (select from listings as l where l.failing_indicator = 'on_time')
),

offline_dossiers as (
    select
        d.*,
        'online' as failing_indicator,
        case d.channel_key
            when 1 then 'received_in_person'
            when 3 then 'received_by_post'
            else 'received_unknown_channel'
        end as reason
    from report_dossiers as d
    inner join model_procedures as p
        on d.procedure_durable_key = p.procedure_durable_key
    where d.is_received_in_period and not d.is_online
        and p.online_level in ('toan_trinh', 'mot_phan')
        and exists (select from listings as l where l.failing_indicator = 'online')
),

unpaid_dossiers as (
    select d.*, 'payment' as failing_indicator, 'not_paid_online' as reason
    from report_dossiers as d
    where d.is_received_in_period and d.has_fees and not d.is_paid_online
        and exists (select from listings as l where l.failing_indicator = 'payment')
),

failures as (
    select * from late_dossiers
    union all
    select * from offline_dossiers
    union all
    select * from unpaid_dossiers
),

-- new since the previous week: on time, unless already active and past the due date in force
-- at the period start (the previous cutoff), where it counted as pending overdue then; looked
-- up by key for these few dossiers (the first supplement round not completed by then keeps its
-- NgayHenTraTruoc)
overdue_at_period_start as (
    select d.dossier_key
    from late_dossiers as d
    left join lateral (
        select r.round_no, r.previous_due_at
        from dw.fact_dossier_supplement as r
        where r.dossier_key = d.dossier_key
            and (r.received_at is null or r.received_at >= %(period_start)s)
        order by r.round_no
        limit 1
    ) as round_open on true
    where d.status_at_start in (2, 4)
        and (
            case
                when round_open.round_no is not null then round_open.previous_due_at
                else (select f.due_at from dw.fact_dossier as f where f.dossier_key = d.dossier_key)
            end at time zone 'Asia/Ho_Chi_Minh'
        )::date < %(period_start)s::date
),

listed as (
    select
        l.unit_code,
        l.indicator,
        f.failing_indicator,
        f.dossier_key,
        f.dossier_code,
        f.source_code,
        f.received_at,
        f.channel_key,
        f.unit_code as counted_unit_code,
        f.procedure_durable_key,
        f.status,
        f.status_step_no,
        f.due_on,
        case when f.is_finished then f.finished_on end as finished_on,
        case
            when f.is_overdue then %(report_date)s::date - f.due_on
            when f.is_resolved_in_period and f.resolution = 'late' then f.finished_on - f.due_on
        end as days_overdue,
        f.reason,
        f.failing_indicator <> 'on_time' or o.dossier_key is null as is_new
    from listings_by_unit as l
    inner join failures as f
        on l.member_unit_code = f.unit_code and l.failing_indicator = f.failing_indicator
    left join overdue_at_period_start as o on f.dossier_key = o.dossier_key
),

-- overall: one row per dossier, its reasons under every driving indicator
listed_once as (
    select
        unit_code, indicator, dossier_key, dossier_code, source_code, received_at, channel_key,
        counted_unit_code, procedure_durable_key, status, status_step_no, due_on, finished_on,
        days_overdue, reason, is_new
    from listed
    where indicator <> 'overall'
    union all
    select
        unit_code,
        indicator,
        dossier_key,
        min(dossier_code) as dossier_code,
        min(source_code) as source_code,
        min(received_at) as received_at,
        min(channel_key) as channel_key,
        min(counted_unit_code) as counted_unit_code,
        min(procedure_durable_key) as procedure_durable_key,
        min(status) as status,
        min(status_step_no) as status_step_no,
        min(due_on) as due_on,
        min(finished_on) as finished_on,
        min(days_overdue) as days_overdue,
        string_agg(
            reason, ', '
            order by array_position(array['on_time', 'online', 'payment'], failing_indicator)
        ) as reason,
        bool_or(is_new) as is_new
    from listed
    where indicator = 'overall'
    group by unit_code, indicator, dossier_key
),

-- the step in force at the cutoff of each listed dossier (listed under several units and
-- indicators, looked up once), by its primary key: a few rows of the whole status history (the
-- limit keeps the planner from flattening the lookup into a hash of every step)
steps_in_force as (
    select d.dossier_key, step.room_name, step.officer_code
    from (select distinct dossier_key, status_step_no from listed_once) as d
    cross join lateral (
        select s.room_name, s.officer_code
        from dw.fact_dossier_status as s
        where s.dossier_key = d.dossier_key and s.step_no = d.status_step_no
        order by s.step_no
        limit 1
    ) as step
)

select
    %(tree_code)s as tree_code,
    %(report_date)s::date as report_date,
    %(snapshot_version)s as snapshot_version,
    l.unit_code,
    l.indicator,
    l.source_code,
    l.dossier_code,
    l.reason,
    l.counted_unit_code,
    p.procedure_code,
    c.channel_code,
    l.received_at,
    l.due_on as due_date,
    l.finished_on as finished_date,
    l.days_overdue,
    l.status as status_code,
    step.room_name as handling_room,
    step.officer_code,
    l.is_new
from listed_once as l
left join dw.dim_channel as c on l.channel_key = c.channel_key
left join model_procedures as p on l.procedure_durable_key = p.procedure_durable_key
left join steps_in_force as step on l.dossier_key = step.dossier_key
