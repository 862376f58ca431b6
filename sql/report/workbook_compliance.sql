-- The compliance counts of one snapshot version for its workbook and summary, in unit-tree order.
-- Grain: one row per unit of the version (mart.chi_thi_04_compliance).
select *
from mart.chi_thi_04_compliance
where tree_code = %(tree_code)s and report_date = %(report_date)s
    and snapshot_version = %(snapshot_version)s
order by tree_path
