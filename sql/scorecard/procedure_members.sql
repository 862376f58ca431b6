-- Which procedure measures each procedure belongs to for each unit's subtree, into the
-- temporary table procedure_members: the one definition of every procedure measure of the
-- scorecards (counted once per subtree: distinct procedures). Definitions:
-- shared/spec/scorecards.md ("handled procedures" = procedures whose CoQuanThucHien meets the
-- subtree, as dw.bridge_procedure_unit says for the version in force at the cutoff).
-- Grain: one row per (period start, unit of the tree in force at the cutoff, procedure handled
-- in its subtree), over the shared model (sql/model/: model_units, model_unit_closure,
-- model_procedures, and dossier_members). Parameters: period_starts (the model's).
create temporary table procedure_members on commit drop as

with

-- procedures handled in the subtree (the catalogue version in force at the cutoff): a handling
-- unit no longer in force hands its procedures to where its dossiers go
handled_procedures as (
    select distinct c.ancestor_code, p.procedure_key, p.procedure_durable_key
    from dw.bridge_procedure_unit as b
    inner join model_procedures as p on b.procedure_key = p.procedure_key
    inner join model_units as handler
        on b.source_code = handler.source_code and b.unit_code = handler.unit_code
    inner join model_unit_closure as c on handler.report_unit_code = c.unit_code
),

period_starts as (
    select period_start
    from unnest(%(period_starts)s::timestamptz[]) as p (period_start)
),

-- every dossier once per subtree it belongs to (materialised: joined first on the unit, then
-- on the pair (subtree, procedure); the planner, misled by the estimate of a CTE, joined on the
-- procedure alone first, eight times the rows)
dossier_subtrees as materialized (
    select
        d.period_start,
        c.ancestor_code,
        d.procedure_durable_key,
        d.uses_online_service,
        d.uses_fee_service,
        d.uses_online_payment_for_fees,
        d.uses_online_payment
    from dossier_members as d
    inner join model_unit_closure as c on d.unit_code = c.unit_code
),

-- what the subtree's dossiers did with each procedure handled in the subtree: only those
-- (subtree, procedure) pairs are grouped (a province's dossiers of procedures its communes do
-- not handle would otherwise make most of the groups)
subtree_procedure_use as (
    select
        d.period_start,
        d.ancestor_code,
        d.procedure_durable_key,
        bool_or(d.uses_online_service) as has_online_dossier,
        bool_or(d.uses_fee_service) as has_fee_dossier,
        bool_or(d.uses_online_payment_for_fees) as has_paid_online_dossier,
        bool_or(d.uses_online_payment) as has_online_payment
    from dossier_subtrees as d
    where exists (
        select 1
        from handled_procedures as h
        where
            h.ancestor_code = d.ancestor_code
            and h.procedure_durable_key = d.procedure_durable_key
    )
    group by d.period_start, d.ancestor_code, d.procedure_durable_key
),

procedure_states as (
    select distinct
        s.period_start,
        h.ancestor_code as unit_code,
        p.procedure_durable_key,
        p.procedure_code,
        -- a catalogue without MucDoDVC or CoPhiLePhi says no: false, not NULL, so that the
        -- lists of mart.scorecard_shortfall agree with the counts
        coalesce(p.online_level in ('toan_trinh', 'mot_phan'), false) as is_online_service,
        coalesce(p.online_level = 'toan_trinh', false) as is_full_process,
        coalesce(p.has_fees, false) as has_fees,
        p.is_full_process_eligible,
        p.has_online_payment,
        coalesce(u.has_online_dossier, false) as has_online_dossier,
        coalesce(u.has_fee_dossier, false) as has_fee_dossier,
        coalesce(u.has_paid_online_dossier, false) as has_paid_online_dossier,
        coalesce(u.has_online_payment, false) as has_online_payment_in_period
    from handled_procedures as h
    cross join period_starts as s
    inner join model_procedures as p on h.procedure_key = p.procedure_key
    left join subtree_procedure_use as u
        on s.period_start = u.period_start
        and h.ancestor_code = u.ancestor_code
        and p.procedure_durable_key = u.procedure_durable_key
)

select
    period_start,
    unit_code,
    procedure_durable_key,
    procedure_code,
    true as handled_procedures,
    is_online_service as online_services,
    is_online_service and has_online_dossier as online_services_used,
    has_fees as fee_procedures,
    has_fees and has_fee_dossier as fee_procedures_with_fee_dossiers,
    has_fees and has_paid_online_dossier as fee_procedures_paid_online,
    has_fees and has_online_payment as fee_procedures_with_online_payment,
    has_online_payment as online_payment_procedures,
    has_online_payment and has_online_payment_in_period as online_payment_procedures_used,
    is_full_process_eligible as eligible_procedures,
    is_full_process_eligible and is_full_process as eligible_full_process_services
from procedure_states
