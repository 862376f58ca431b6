-- Publish the computed report rows (temporary table report_rows) as a snapshot version.
-- Grain: one row per (report_date, unit_code, snapshot_version).
insert into mart.chi_thi_04_weekly (
    report_date, period_start, period_end, unit_code, unit_name, unit_level, parent_unit_code,
    unit_depth, tree_path, received, received_online, carried_over, resolved, resolved_early,
    resolved_on_time, resolved_late, pending, pending_within, pending_overdue, on_time_rate,
    late_rate, dvc_deployed, dvc_with_online_dossiers, online_rate, fee_dossiers,
    paid_online_dossiers, dvc_with_online_payment, online_payment_rate, on_time_colour,
    online_colour, payment_colour, overall_colour, prev_on_time_colour, prev_online_colour,
    prev_payment_colour, prev_overall_colour, regressed, snapshot_version, published_at,
    tree_code
)
select
    report_date, period_start, period_end, unit_code, unit_name, unit_level, parent_unit_code,
    unit_depth, tree_path, received, received_online, carried_over, resolved, resolved_early,
    resolved_on_time, resolved_late, pending, pending_within, pending_overdue, on_time_rate,
    late_rate, dvc_deployed, dvc_with_online_dossiers, online_rate, fee_dossiers,
    paid_online_dossiers, dvc_with_online_payment, online_payment_rate, on_time_colour,
    online_colour, payment_colour, overall_colour, prev_on_time_colour, prev_online_colour,
    prev_payment_colour, prev_overall_colour, regressed,
    %(snapshot_version)s as snapshot_version, %(published_at)s as published_at,
    %(tree_code)s as tree_code
from report_rows
