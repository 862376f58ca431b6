-- The Directive 04 indicators of one report date, into the temporary table report_rows.
-- Grain: one row per unit of the unit tree in force at the cutoff C (model_units), aggregating
-- its whole subtree: the dossiers of report_dossiers (chi_thi_04_dossiers.sql) that count for it
-- or for a unit below it. Definitions: shared/spec/domain.md, "The weekly report" and
-- "Reorganisation".
-- Parameters: report_date (R), period_start (R − 7 days 00:00), cutoff (R 00:00), previous_date
-- (R − 7), tree_code,
-- thresholds (jsonb {"on_time_rate": {"xanh": .., "vang": .., "cam": ..}, ...}).
create temporary table report_rows on commit drop as

with

-- Import: the tree at the cutoff (model_units, its closure model_unit_closure) and the catalogue
-- of procedures as it stood then (model_procedures): the shared model, sql/model/ ---------------

units as (
    select unit_code, unit_name, unit_level, parent_unit_code, unit_depth, ancestor_codes
    from model_units
    where ancestor_codes is not null
),

unit_closure as (
    select ancestor_code, unit_code
    from model_unit_closure
),

classified_dossiers as (
    select *
    from report_dossiers
),

unit_counts as (
    select
        unit_code,
        count(*) filter (where is_received_in_period) as received,
        count(*) filter (where is_received_in_period and is_online) as received_online,
        count(*) filter (where is_carried_over) as carried_over,
        count(*) filter (where is_resolved_in_period and resolution = 'early') as resolved_early,
        count(*) filter (where is_resolved_in_period and resolution = 'on_time')
            as resolved_on_time,
        count(*) filter (where is_resolved_in_period and resolution = 'late') as resolved_late,
        count(*) filter (where not is_finished) as pending,
        count(*) filter (where is_overdue) as pending_overdue,
        count(*) filter (where is_received_in_period and has_fees) as fee_dossiers,
        count(*) filter (where is_received_in_period and has_fees and is_paid_online)
            as paid_online_dossiers
    from classified_dossiers
    group by unit_code
),

-- (unit, procedure) pairs, rolled up to every ancestor for the distinct-procedure columns
deployed_services as (
    select distinct c.ancestor_code, p.procedure_durable_key
    from model_procedures as p
    inner join dw.bridge_procedure_unit as b on p.procedure_key = b.procedure_key
    -- a handling unit no longer in force hands its services to where its dossiers go
    inner join model_units as handler
        on b.source_code = handler.source_code and b.unit_code = handler.unit_code
    inner join unit_closure as c on handler.report_unit_code = c.unit_code
    where p.online_level in ('toan_trinh', 'mot_phan')
),

services_with_online_dossiers as (
    select distinct c.ancestor_code, d.procedure_durable_key
    from classified_dossiers as d
    inner join unit_closure as c on d.unit_code = c.unit_code
    where d.is_received_in_period and d.is_online
),

services_paid_online as (
    select distinct c.ancestor_code, d.procedure_durable_key
    from classified_dossiers as d
    inner join unit_closure as c on d.unit_code = c.unit_code
    where d.is_received_in_period and d.has_fees and d.is_paid_online
),

service_counts as (
    select
        u.unit_code,
        coalesce(deployed.n, 0)::integer as dvc_deployed,
        coalesce(with_online.n, 0)::integer as dvc_with_online_dossiers,
        coalesce(paid.n, 0)::integer as dvc_with_online_payment
    from units as u
    left join (  -- noqa: ST05
        select ancestor_code, count(*) as n
        from deployed_services
        group by ancestor_code
    ) as deployed on u.unit_code = deployed.ancestor_code
    left join (  -- noqa: ST05
        select s.ancestor_code, count(*) as n
        from deployed_services as s
        inner join services_with_online_dossiers as o
            on s.ancestor_code = o.ancestor_code
            and s.procedure_durable_key = o.procedure_durable_key
        group by s.ancestor_code
    ) as with_online on u.unit_code = with_online.ancestor_code
    left join (  -- noqa: ST05
        select ancestor_code, count(*) as n
        from services_paid_online
        group by ancestor_code
    ) as paid on u.unit_code = paid.ancestor_code
),

subtree_counts as (
    select
        c.ancestor_code as unit_code,
        coalesce(sum(n.received), 0)::integer as received,
        coalesce(sum(n.received_online), 0)::integer as received_online,
        coalesce(sum(n.carried_over), 0)::integer as carried_over,
        coalesce(sum(n.resolved_early), 0)::integer as resolved_early,
        coalesce(sum(n.resolved_on_time), 0)::integer as resolved_on_time,
        coalesce(sum(n.resolved_late), 0)::integer as resolved_late,
        coalesce(sum(n.pending), 0)::integer as pending,
        coalesce(sum(n.pending_overdue), 0)::integer as pending_overdue,
        coalesce(sum(n.fee_dossiers), 0)::integer as fee_dossiers,
        coalesce(sum(n.paid_online_dossiers), 0)::integer as paid_online_dossiers
    from unit_closure as c
    left join unit_counts as n on c.unit_code = n.unit_code
    group by c.ancestor_code
),

indicators as (
    select
        n.*,
        n.resolved_early + n.resolved_on_time + n.resolved_late as resolved,
        n.pending - n.pending_overdue as pending_within,
        (n.resolved_early + n.resolved_on_time)::numeric
            / nullif(n.resolved_early + n.resolved_on_time + n.resolved_late + n.pending_overdue, 0)
            as on_time_rate,
        (n.resolved_late + n.pending_overdue)::numeric
            / nullif(n.resolved_early + n.resolved_on_time + n.resolved_late + n.pending_overdue, 0)
            as late_rate,
        n.received_online::numeric / nullif(n.received, 0) as online_rate,
        n.paid_online_dossiers::numeric / nullif(n.fee_dossiers, 0) as online_payment_rate
    from subtree_counts as n
),

coloured as (
    select
        i.*,
        mart.colour_of(i.on_time_rate, %(thresholds)s::jsonb -> 'on_time_rate') as on_time_colour,
        mart.colour_of(i.online_rate, %(thresholds)s::jsonb -> 'online_rate') as online_colour,
        mart.colour_of(i.online_payment_rate, %(thresholds)s::jsonb -> 'online_payment_rate')
            as payment_colour
    from indicators as i
),

overall as (
    select
        c.*,
        case least(
            mart.colour_rank(c.on_time_colour),
            mart.colour_rank(c.online_colour),
            mart.colour_rank(c.payment_colour)
        )
            when 4 then 'xanh' when 3 then 'vang' when 2 then 'cam' when 1 then 'do'
            else 'trang'
        end as overall_colour
    from coloured as c
),

previous_report as (
    select unit_code, on_time_colour, online_colour, payment_colour, overall_colour
    from mart.chi_thi_04_latest
    where tree_code = %(tree_code)s and report_date = %(previous_date)s::date
)

-- Final: the report rows, in tree order ---------------------------------------------------------

select
    %(report_date)s::date as report_date,
    %(period_start)s::timestamptz as period_start,
    %(cutoff)s::timestamptz as period_end,
    u.unit_code,
    u.unit_name,
    u.unit_level,
    u.parent_unit_code,
    u.unit_depth,
    array_to_string(u.ancestor_codes, '/') as tree_path,
    o.received,
    o.received_online,
    o.carried_over,
    o.resolved,
    o.resolved_early,
    o.resolved_on_time,
    o.resolved_late,
    o.pending,
    o.pending_within,
    o.pending_overdue,
    o.on_time_rate,
    o.late_rate,
    s.dvc_deployed,
    s.dvc_with_online_dossiers,
    o.online_rate,
    o.fee_dossiers,
    o.paid_online_dossiers,
    s.dvc_with_online_payment,
    o.online_payment_rate,
    o.on_time_colour,
    o.online_colour,
    o.payment_colour,
    o.overall_colour,
    p.on_time_colour as prev_on_time_colour,
    p.online_colour as prev_online_colour,
    p.payment_colour as prev_payment_colour,
    p.overall_colour as prev_overall_colour,
    coalesce(
        mart.colour_rank(o.on_time_colour) < mart.colour_rank(p.on_time_colour)
        or mart.colour_rank(o.online_colour) < mart.colour_rank(p.online_colour)
        or mart.colour_rank(o.payment_colour) < mart.colour_rank(p.payment_colour)
        or mart.colour_rank(o.overall_colour) < mart.colour_rank(p.overall_colour),
        false
    ) as regressed
from units as u
inner join overall as o on u.unit_code = o.unit_code
inner join service_counts as s on u.unit_code = s.unit_code
left join previous_report as p on u.unit_code = p.unit_code
order by tree_path
