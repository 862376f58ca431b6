-- Grain: one row. The units of one snapshot version that slipped on some indicator (the
-- `regressed` flag), for the report asset event's extra.
select count(*) as regressed_units
from mart.chi_thi_04_weekly
where tree_code = %(tree_code)s
    and report_date = %(report_date)s
    and snapshot_version = %(snapshot_version)s
    and regressed
