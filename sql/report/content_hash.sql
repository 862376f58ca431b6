-- The content hash of the computed report rows (temporary table report_rows) and the
-- thresholds they were coloured with, the number of rows and of root units (depth 0: a report
-- without one has no province row and must not publish). Equal hash = nothing to publish.
-- Rows hash in their text form, in unit order; the caller pins the session time zone.
select
    md5(
        -- sqlfluff reads the collation "C" as a column
        coalesce(string_agg(r::text, E'\n' order by r.unit_code collate "C"), '')  -- noqa: RF03
        || E'\n' || %(thresholds)s::jsonb::text
    ) as content_hash,
    count(*)::integer as unit_count,
    (count(*) filter (where r.unit_depth = 0))::integer as root_count
from report_rows as r
