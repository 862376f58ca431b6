-- The rows of one snapshot version for its workbook, in unit-tree order.
select *
from mart.chi_thi_04_weekly
where tree_code = %(tree_code)s and report_date = %(report_date)s
    and snapshot_version = %(snapshot_version)s
order by tree_path
