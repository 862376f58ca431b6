-- The regression drill-down of one snapshot version for its workbook: for each regressed unit
-- and indicator its worst max_dossiers dossiers (most days late or overdue first, then by
-- code), each row with the number of dossiers the (unit, indicator) lists in all, so the sheet
-- can say how many more there are. Unit-tree order, then indicator order, then worst first.
with

listed as (
    select
        d.*,
        w.unit_name,
        w.unit_level,
        w.tree_path,
        row_number() over (
            partition by d.unit_code, d.indicator
            order by
                d.days_overdue desc nulls last,
                -- sqlfluff reads the collation "C" as a column
                d.dossier_code collate "C",  -- noqa: RF02
                d.source_code
        ) as position_in_list,
        count(*) over (partition by d.unit_code, d.indicator) as dossiers_in_list
    from mart.chi_thi_04_regression_dossier as d
    inner join mart.chi_thi_04_weekly as w
        on d.tree_code = w.tree_code
        and d.report_date = w.report_date
        and d.snapshot_version = w.snapshot_version
        and d.unit_code = w.unit_code
    where d.tree_code = %(tree_code)s
        and d.report_date = %(report_date)s
        and d.snapshot_version = %(snapshot_version)s
)

select *
from listed
where position_in_list <= %(max_dossiers)s
order by
    tree_path,
    array_position(array['on_time', 'online', 'payment', 'overall'], indicator),
    position_in_list
