-- Every dossier that counts in one report date's Directive 04 rows, classified, into the
-- temporary table report_dossiers. Grain: one row per dossier received by the cutoff C and not
-- finished before the period, with the unit in force at C whose row counts it (its handling
-- unit, a successor, or the root: never nobody).
-- The dossiers' state at C (status at C and at the period start, due date in force at C,
-- finished date, paid online at C) is the shared model dossier_state
-- (sql/model/dossier_state.sql, which the scorecards read too); this step adds Directive 04's
-- own classification. Definitions: shared/spec/domain.md, "The weekly report".
-- Parameters: report_date (R).
create temporary table report_dossiers on commit drop as
select
    dossier_key,
    dossier_code,
    unit_code,
    procedure_durable_key,
    source_code,  -- source, reception, channel and step in force: for the regression drill-down
    received_at,
    channel_key,
    status_step_no,
    is_online,
    is_received_in_period,
    has_fees,
    is_paid_online,
    status,
    status_at_start,
    is_finished,
    finished_on,
    due_on,
    is_finished_in_period as is_resolved_in_period,
    -- Directive 04 compares dates with the due date in force at C; withdrawn (7) is on time
    case
        when status = 7 or due_on is null or finished_on = due_on then 'on_time'
        when finished_on < due_on then 'early'
        else 'late'
    end as resolution,
    not is_finished and status in (2, 4) and due_on < %(report_date)s::date as is_overdue,
    status_at_start in (2, 4, 5, 6, 8) and not is_received_in_period as is_carried_over
from dossier_state
