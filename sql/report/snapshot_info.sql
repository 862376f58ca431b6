-- Grain: one row. One published version of a report tree's report date, with the tree's name,
-- for the files written from it (the workbook, the page).
select
    s.*,
    t.tree_name
from mart.chi_thi_04_snapshot as s
left join meta.report_tree as t on s.tree_code = t.tree_code
where s.tree_code = %(tree_code)s
    and s.report_date = %(report_date)s
    and s.snapshot_version = %(snapshot_version)s
