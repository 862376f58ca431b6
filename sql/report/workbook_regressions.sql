-- The regressions of one snapshot version, in unit-tree order then indicator order.
-- Same rule as the view mart.chi_thi_04_regressions, for any version (not only the latest).
select
    w.unit_code,
    w.unit_name,
    w.unit_level,
    i.indicator,
    i.previous_colour,
    i.colour
from mart.chi_thi_04_weekly as w
cross join lateral (
    values
        (1, 'on_time', w.prev_on_time_colour, w.on_time_colour),
        (2, 'online', w.prev_online_colour, w.online_colour),
        (3, 'payment', w.prev_payment_colour, w.payment_colour),
        (4, 'overall', w.prev_overall_colour, w.overall_colour)
) as i (position, indicator, previous_colour, colour)
where w.tree_code = %(tree_code)s
    and w.report_date = %(report_date)s
    and w.snapshot_version = %(snapshot_version)s
    and mart.colour_rank(i.colour) < mart.colour_rank(i.previous_colour)
order by w.tree_path, i.position
