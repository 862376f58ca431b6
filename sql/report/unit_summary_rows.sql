-- The rows of some units of one snapshot version, for their heads' mail, with the number of
-- dossiers the drill-down lists for each regressed indicator and how many are new.
-- Grain: one row per unit of unit_codes that the version has, in unit-tree order.
select
    w.*,
    coalesce(
        (
            select
                jsonb_object_agg(
                    c.indicator, jsonb_build_object('dossiers', c.dossiers, 'new', c.new_dossiers)
                )
            from (
                select
                    d.indicator,
                    count(*) as dossiers,
                    count(*) filter (where d.is_new) as new_dossiers
                from mart.chi_thi_04_regression_dossier as d
                where d.tree_code = w.tree_code
                    and d.report_date = w.report_date
                    and d.snapshot_version = w.snapshot_version
                    and d.unit_code = w.unit_code
                group by d.indicator
            ) as c
        ),
        '{}'::jsonb
    ) as drilldown_counts
from mart.chi_thi_04_weekly as w
where w.tree_code = %(tree_code)s
    and w.report_date = %(report_date)s
    and w.snapshot_version = %(snapshot_version)s
    and w.unit_code = any(%(unit_codes)s)
order by w.tree_path
