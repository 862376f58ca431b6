-- The members of every measure at one cut-off (the temporary tables model_unit_closure,
-- dossier_members and procedure_members of sql/model/ and sql/scorecard/), into the tables
-- behind mart.scorecard_shortfall (V019): what the scores just published were counted from.
-- Parameters: tree_code, as_of (the cut-off).
with

closure as (
    insert into mart.scorecard_unit_closure (tree_code, as_of, ancestor_code, unit_code)
    select
        %(tree_code)s as tree_code,
        %(as_of)s::timestamptz as as_of,
        ancestor_code,
        unit_code
    from model_unit_closure
),

procedures as (
    insert into mart.scorecard_procedure_member (
        tree_code, as_of, period_start, unit_code, procedure_durable_key, procedure_code,
        handled_procedures, online_services, online_services_used, fee_procedures,
        fee_procedures_with_fee_dossiers, fee_procedures_paid_online,
        fee_procedures_with_online_payment, online_payment_procedures,
        online_payment_procedures_used, eligible_procedures, eligible_full_process_services
    )
    select
        %(tree_code)s as tree_code,
        %(as_of)s::timestamptz as as_of,
        (period_start at time zone 'Asia/Ho_Chi_Minh')::date as period_start,
        unit_code,
        procedure_durable_key,
        procedure_code,
        handled_procedures,
        online_services,
        online_services_used,
        fee_procedures,
        fee_procedures_with_fee_dossiers,
        fee_procedures_paid_online,
        fee_procedures_with_online_payment,
        online_payment_procedures,
        online_payment_procedures_used,
        eligible_procedures,
        eligible_full_process_services
    from procedure_members
)

insert into mart.scorecard_dossier_member (
    tree_code, as_of, period_start, dossier_key, dossier_code, source_code, unit_code,
    procedure_durable_key, status,
    received_on, due_on, finished_on, supplement_rounds, is_online, is_paid_online, received,
    received_online, received_digitised, received_vneid, fee_dossiers, paid_online_dossiers,
    finished, finished_electronic_result, finished_online_full_process, finished_fee_dossiers,
    finished_fee_dossiers_paid_online, on_time_766, rated_766, handling_working_days
)
select
    %(tree_code)s as tree_code,
    %(as_of)s::timestamptz as as_of,
    (period_start at time zone 'Asia/Ho_Chi_Minh')::date as period_start,
    dossier_key,
    dossier_code,
    source_code,
    unit_code,
    procedure_durable_key,
    status,
    received_on,
    due_on,
    finished_on,
    supplement_rounds,
    is_online,
    is_paid_online,
    received,
    received_online,
    received_digitised,
    received_vneid,
    fee_dossiers,
    paid_online_dossiers,
    finished,
    finished_electronic_result,
    finished_online_full_process,
    finished_fee_dossiers,
    finished_fee_dossiers_paid_online,
    on_time_766,
    rated_766,
    handling_working_days
from dossier_members
