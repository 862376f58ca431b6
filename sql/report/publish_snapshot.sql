-- Register a new snapshot version of a report date; returns its publication time.
insert into mart.chi_thi_04_snapshot (
    report_date, snapshot_version, period_start, period_end, published_at, thresholds,
    content_hash, unit_count, report_file, dag_run_id, parked_by_rule, parked_in_period,
    max_parked_share, tree_code, source_codes
)
values (
    %(report_date)s, %(snapshot_version)s, %(period_start)s, %(period_end)s,
    date_trunc('second', clock_timestamp()), %(thresholds)s, %(content_hash)s, %(unit_count)s,
    %(report_file)s, %(dag_run_id)s, %(parked_by_rule)s, %(parked_in_period)s,
    %(max_parked_share)s, %(tree_code)s, array(select dw.tree_sources(%(tree_code)s) order by 1)
)
returning published_at
