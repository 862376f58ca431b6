-- The named measures of the scorecards, into the temporary table scorecard_measures: the members
-- of each measure (dossier_members.sql, procedure_members.sql) counted per unit of the tree in
-- force at the cutoff.
-- Grain: one row per (period start, unit of the tree (model_units)), each measure a count over
-- the unit's whole subtree and the period: dossiers summed over (ancestor, unit) pairs,
-- procedures counted once per subtree (procedure_members is already per subtree). A new measure
-- is a new column of dossier_members.sql or procedure_members.sql and here, and a new name in
-- tthc_pipeline.scorecards.config.MEASURES. Parameters: period_starts (the model's).
create temporary table scorecard_measures on commit drop as

with

units as (
    select s.period_start, u.unit_code
    from model_units as u
    cross join unnest(%(period_starts)s::timestamptz[]) as s (period_start)
    where u.ancestor_codes is not null
),

unit_dossier_counts as (
    select
        period_start,
        unit_code,
        count(*) filter (where received) as received,
        count(*) filter (where received_online) as received_online,
        count(*) filter (where received_digitised) as received_digitised,
        count(*) filter (where received_vneid) as received_vneid,
        count(*) filter (where fee_dossiers) as fee_dossiers,
        count(*) filter (where paid_online_dossiers) as paid_online_dossiers,
        count(*) filter (where finished) as finished,
        count(*) filter (where finished_electronic_result) as finished_electronic_result,
        count(*) filter (where finished_online_full_process) as finished_online_full_process,
        count(*) filter (where finished_fee_dossiers) as finished_fee_dossiers,
        count(*) filter (where finished_fee_dossiers_paid_online)
            as finished_fee_dossiers_paid_online,
        coalesce(sum(handling_working_days), 0) as handling_working_days,
        count(*) filter (where on_time_766) as on_time_766,
        count(*) filter (where rated_766) as rated_766
    from dossier_members
    group by period_start, unit_code
),

subtree_dossier_counts as (
    select
        u.period_start,
        c.ancestor_code as unit_code,
        coalesce(sum(n.received), 0) as received,
        coalesce(sum(n.received_online), 0) as received_online,
        coalesce(sum(n.received_digitised), 0) as received_digitised,
        coalesce(sum(n.received_vneid), 0) as received_vneid,
        coalesce(sum(n.fee_dossiers), 0) as fee_dossiers,
        coalesce(sum(n.paid_online_dossiers), 0) as paid_online_dossiers,
        coalesce(sum(n.finished), 0) as finished,
        coalesce(sum(n.finished_electronic_result), 0) as finished_electronic_result,
        coalesce(sum(n.finished_online_full_process), 0) as finished_online_full_process,
        coalesce(sum(n.finished_fee_dossiers), 0) as finished_fee_dossiers,
        coalesce(sum(n.finished_fee_dossiers_paid_online), 0)
            as finished_fee_dossiers_paid_online,
        coalesce(sum(n.handling_working_days), 0) as handling_working_days,
        coalesce(sum(n.on_time_766), 0) as on_time_766,
        coalesce(sum(n.rated_766), 0) as rated_766
    from units as u
    inner join model_unit_closure as c on u.unit_code = c.ancestor_code
    left join unit_dossier_counts as n
        on u.period_start = n.period_start and c.unit_code = n.unit_code
    group by u.period_start, c.ancestor_code
),

subtree_procedure_counts as (
    select
        period_start,
        unit_code,
        count(*) filter (where handled_procedures) as handled_procedures,
        count(*) filter (where online_services) as online_services,
        count(*) filter (where online_services_used) as online_services_used,
        count(*) filter (where fee_procedures) as fee_procedures,
        count(*) filter (where fee_procedures_with_fee_dossiers)
            as fee_procedures_with_fee_dossiers,
        count(*) filter (where fee_procedures_paid_online) as fee_procedures_paid_online,
        count(*) filter (where fee_procedures_with_online_payment)
            as fee_procedures_with_online_payment,
        count(*) filter (where online_payment_procedures) as online_payment_procedures,
        count(*) filter (where online_payment_procedures_used)
            as online_payment_procedures_used,
        count(*) filter (where eligible_procedures) as eligible_procedures,
        count(*) filter (where eligible_full_process_services)
            as eligible_full_process_services
    from procedure_members
    group by period_start, unit_code
)

select
    u.period_start,
    u.unit_code,
    d.received,
    d.received_online,
    d.received_digitised,
    d.received_vneid,
    d.fee_dossiers,
    d.paid_online_dossiers,
    d.finished,
    d.finished_electronic_result,
    d.finished_online_full_process,
    d.finished_fee_dossiers,
    d.finished_fee_dossiers_paid_online,
    d.handling_working_days,
    d.on_time_766,
    d.rated_766,
    coalesce(p.handled_procedures, 0) as handled_procedures,
    coalesce(p.online_services, 0) as online_services,
    coalesce(p.online_services_used, 0) as online_services_used,
    coalesce(p.fee_procedures, 0) as fee_procedures,
    coalesce(p.fee_procedures_with_fee_dossiers, 0) as fee_procedures_with_fee_dossiers,
    coalesce(p.fee_procedures_paid_online, 0) as fee_procedures_paid_online,
    coalesce(p.fee_procedures_with_online_payment, 0) as fee_procedures_with_online_payment,
    coalesce(p.online_payment_procedures, 0) as online_payment_procedures,
    coalesce(p.online_payment_procedures_used, 0) as online_payment_procedures_used,
    coalesce(p.eligible_procedures, 0) as eligible_procedures,
    coalesce(p.eligible_full_process_services, 0) as eligible_full_process_services
from units as u
inner join subtree_dossier_counts as d
    on u.period_start = d.period_start and u.unit_code = d.unit_code
left join subtree_procedure_counts as p
    on u.period_start = p.period_start and u.unit_code = p.unit_code
order by u.period_start, u.unit_code
