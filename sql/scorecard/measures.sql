-- The named measures of the scorecards (config/scorecards/*.yaml name them as numerator and
-- denominator), into the temporary table scorecard_measures.
-- Grain: one row per unit of the tree in force at the cutoff (model_units), each measure a count
-- over the unit's whole subtree and the period [period_start, cutoff), from dossier_state
-- (sql/model/dossier_state.sql) and the procedure catalogue as it stood at the cutoff.
-- Definitions: shared/spec/scorecards.md. A new measure is a new column here and a new name in
-- tthc_pipeline.scorecards.config.MEASURES.
-- Parameters: tree_code, cutoff.
create temporary table scorecard_measures on commit drop as

with

-- Import --------------------------------------------------------------------------------------

units as (
    select unit_code, ancestor_codes
    from model_units
    where ancestor_codes is not null
),

-- every (ancestor, unit) pair of the tree, a unit being its own ancestor
unit_closure as (
    select ancestor.code as ancestor_code, u.unit_code
    from units as u
    cross join lateral unnest(u.ancestor_codes) as ancestor (code)
),

procedure_versions_at_cutoff as (
    select distinct on (source_code, procedure_code)
        procedure_key,
        procedure_durable_key,
        online_level,
        coalesce(has_fees, false) as has_fees,
        is_full_process_eligible,
        has_online_payment
    from dw.dim_procedure
    where source_code in (select dw.tree_sources(%(tree_code)s)) and valid_from <= %(cutoff)s
    order by source_code, procedure_code, valid_from desc
),

-- Logic: dossier counts -----------------------------------------------------------------------

unit_dossier_counts as (
    select
        unit_code,
        count(*) filter (where is_received_in_period) as received,
        count(*) filter (where is_received_in_period and is_online) as received_online,
        count(*) filter (where is_received_in_period and has_digitised_components)
            as received_digitised,
        count(*) filter (where is_received_in_period and is_vneid_verified) as received_vneid,
        count(*) filter (where is_received_in_period and has_fees) as fee_dossiers,
        count(*) filter (where is_received_in_period and has_fees and is_paid_online)
            as paid_online_dossiers,
        count(*) filter (where is_finished_in_period) as finished,
        count(*) filter (where is_finished_in_period and has_electronic_result)
            as finished_electronic_result,
        count(*) filter (
            where is_finished_in_period and is_online and procedure_online_level = 'toan_trinh'
        ) as finished_online_full_process,
        count(*) filter (where is_finished_in_period and procedure_has_fees)
            as finished_fee_dossiers,
        count(*) filter (where is_finished_in_period and procedure_has_fees and is_paid_online)
            as finished_fee_dossiers_paid_online,
        coalesce(sum(handling_working_days) filter (where is_finished_in_period), 0)
            as handling_working_days,
        count(*) filter (where (is_finished_in_period or not is_finished) and is_on_time_766)
            as on_time_766,
        count(*) filter (where is_finished_in_period or not is_finished) as rated_766
    from dossier_state
    group by unit_code
),

subtree_dossier_counts as (
    select
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
    from unit_closure as c
    left join unit_dossier_counts as n on c.unit_code = n.unit_code
    group by c.ancestor_code
),

-- Logic: procedure counts (distinct procedures over the subtree) -------------------------------

-- procedures handled in the subtree: a handling unit no longer in force hands its procedures to
-- where its dossiers go
handled_procedures as (
    select distinct c.ancestor_code, b.procedure_key
    from dw.bridge_procedure_unit as b
    inner join model_units as handler
        on b.source_code = handler.source_code and b.unit_code = handler.unit_code
    inner join unit_closure as c on handler.report_unit_code = c.unit_code
),

-- what each unit's dossiers did with each procedure, then rolled up to every ancestor
unit_procedure_use as (
    select
        unit_code,
        procedure_durable_key,
        bool_or(is_received_in_period and is_online) as has_online_dossier,
        bool_or(is_received_in_period and has_fees) as has_fee_dossier,
        bool_or(is_received_in_period and has_fees and is_paid_online) as has_paid_online_dossier,
        bool_or(is_paid_online_in_period) as has_online_payment
    from dossier_state
    group by unit_code, procedure_durable_key
),

subtree_procedure_use as (
    select
        c.ancestor_code,
        u.procedure_durable_key,
        bool_or(u.has_online_dossier) as has_online_dossier,
        bool_or(u.has_fee_dossier) as has_fee_dossier,
        bool_or(u.has_paid_online_dossier) as has_paid_online_dossier,
        bool_or(u.has_online_payment) as has_online_payment
    from unit_procedure_use as u
    inner join unit_closure as c on u.unit_code = c.unit_code
    group by c.ancestor_code, u.procedure_durable_key
),

subtree_procedure_counts as (
    select
        h.ancestor_code as unit_code,
        count(distinct p.procedure_durable_key) as handled_procedures,
        count(distinct p.procedure_durable_key)
            filter (where p.online_level in ('toan_trinh', 'mot_phan')) as online_services,
        count(distinct p.procedure_durable_key)
            filter (where p.online_level in ('toan_trinh', 'mot_phan') and u.has_online_dossier)
            as online_services_used,
        count(distinct p.procedure_durable_key) filter (where p.has_fees) as fee_procedures,
        count(distinct p.procedure_durable_key) filter (where p.has_fees and u.has_fee_dossier)
            as fee_procedures_with_fee_dossiers,
        count(distinct p.procedure_durable_key)
            filter (where p.has_fees and u.has_paid_online_dossier) as fee_procedures_paid_online,
        count(distinct p.procedure_durable_key) filter (where p.has_fees and p.has_online_payment)
            as fee_procedures_with_online_payment,
        count(distinct p.procedure_durable_key) filter (where p.has_online_payment)
            as online_payment_procedures,
        count(distinct p.procedure_durable_key)
            filter (where p.has_online_payment and u.has_online_payment)
            as online_payment_procedures_used,
        count(distinct p.procedure_durable_key) filter (where p.is_full_process_eligible)
            as eligible_procedures,
        count(distinct p.procedure_durable_key)
            filter (where p.is_full_process_eligible and p.online_level = 'toan_trinh')
            as eligible_full_process_services
    from handled_procedures as h
    inner join procedure_versions_at_cutoff as p on h.procedure_key = p.procedure_key
    left join subtree_procedure_use as u
        on h.ancestor_code = u.ancestor_code
        and p.procedure_durable_key = u.procedure_durable_key
    group by h.ancestor_code
)

-- Final: every measure of every unit of the tree ----------------------------------------------

select
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
inner join subtree_dossier_counts as d on u.unit_code = d.unit_code
left join subtree_procedure_counts as p on u.unit_code = p.unit_code
order by u.unit_code
