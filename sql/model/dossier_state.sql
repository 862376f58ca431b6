-- The state at a cutoff of every dossier that can count in a period [period_start, cutoff) of
-- a report tree, as the temporary view dossier_state: the one model the scorecards
-- (config/scorecards/*.yaml, through sql/scorecard/measures.sql) read their dossier facts from.
-- The Directive 04 report reads it too (sql/report/chi_thi_04_dossiers.sql), so its dossier
-- rules are written once.
-- Grain: one row per (period start, dossier received by the cutoff (status at the cutoff neither
-- 1 nor 3) and not finished before the period): the dossier's facts at the cutoff
-- (sql/model/dossier_facts.sql, worked out once per dossier) with what depends on the period's
-- start (its status then, from sql/model/dossier_status.sql: received, paid and finished in
-- the period). The periods modelled together end at the same cutoff (a Friday's month, quarter
-- and year to date). A view, not a table: each reader reads it once, and writing its rows again
-- (one per period and dossier) cost more than the join.
create temporary view dossier_state as
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
from model_dossier_facts as s
inner join model_dossier_status as ps on s.dossier_key = ps.dossier_key
