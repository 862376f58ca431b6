-- The dossiers that can count in a period [period_start, cutoff) of a report tree (the
-- earliest of the periods modelled together), into the temporary table
-- model_dossier_candidates: received before the cutoff (by its record: the
-- status history decides, in dossier_status.sql and dossier_state.sql, whether it was received
-- then) and not finished before the period, with the unit in force at the cutoff whose row
-- counts it (model_units, sql/model/unit_tree.sql: its handling unit, a successor, or the root).
-- A table of its own, analysed, so that the planner of the next steps knows how many there are.
-- Grain: one row per dossier. Parameters: tree_code, earliest_start, cutoff.
create temporary table model_dossier_candidates on commit drop as
select
    d.dossier_key,
    d.dossier_code,
    d.source_code,
    u.report_unit_code as unit_code,
    d.procedure_durable_key,
    d.channel_key,
    d.received_at,
    d.due_at,
    d.finished_at,
    d.fee_total,
    d.has_digitised_components,
    d.has_electronic_result,
    d.is_vneid_verified
from dw.fact_dossier as d
left join model_units as u on d.unit_durable_key = u.unit_durable_key
where d.source_code in (select dw.tree_sources(%(tree_code)s))
    and d.received_at < %(cutoff)s
    and (d.finished_at is null or d.finished_at >= %(earliest_start)s);
