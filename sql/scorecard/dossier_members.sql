-- Which dossier measures each dossier belongs to, into the temporary table dossier_members:
-- the one definition of every dossier measure of the scorecards (config/scorecards/*.yaml name
-- them). measures.sql counts the members; the "where the points went" lists
-- (tthc_pipeline.scorecards.drill) are the members of an item's denominator that are not
-- members of its numerator, with what the lists show of each dossier. Definitions:
-- shared/spec/scorecards.md.
-- Grain: one row per (period start, dossier) of dossier_state (sql/model/dossier_state.sql).
create temporary table dossier_members on commit drop as
select
    period_start,
    dossier_key,
    dossier_code,
    source_code,
    unit_code,
    procedure_durable_key,
    -- what a list of the dossiers that cost points shows of each
    status,
    received_on,
    due_on,
    finished_on,
    supplement_rounds,
    is_online,
    is_paid_online,
    -- the measures
    is_received_in_period as received,
    is_received_in_period and is_online as received_online,
    is_received_in_period and has_digitised_components as received_digitised,
    is_received_in_period and is_vneid_verified as received_vneid,
    is_received_in_period and has_fees as fee_dossiers,
    is_received_in_period and has_fees and is_paid_online as paid_online_dossiers,
    is_finished_in_period as finished,
    is_finished_in_period and has_electronic_result as finished_electronic_result,
    -- a procedure without its catalogue version at the cutoff (or without MucDoDVC) is not
    -- full-process: false, not NULL, so that the lists agree with the counts
    is_finished_in_period and is_online and coalesce(procedure_online_level = 'toan_trinh', false)
        as finished_online_full_process,
    is_finished_in_period and procedure_has_fees as finished_fee_dossiers,
    is_finished_in_period and procedure_has_fees and is_paid_online
        as finished_fee_dossiers_paid_online,
    case when is_finished_in_period then handling_working_days else 0 end
        as handling_working_days,
    (is_finished_in_period or not is_finished) and is_on_time_766 as on_time_766,
    is_finished_in_period or not is_finished as rated_766,
    -- what the procedure-level measures need to know of the dossier
    is_received_in_period and is_online as uses_online_service,
    is_received_in_period and has_fees as uses_fee_service,
    is_received_in_period and has_fees and is_paid_online as uses_online_payment_for_fees,
    is_paid_online_in_period as uses_online_payment
from dossier_state
