-- The content hash of the computed report rows (temporary table report_rows) and the
-- thresholds they were coloured with, and the number of rows. Equal hash = nothing to publish.
-- Rows hash in their text form, in unit order; the caller pins the session time zone.
select
    md5(
        coalesce(string_agg(r::text, E'\n' order by r.unit_code collate "C"), '')
        || E'\n' || %(thresholds)s::jsonb::text
    ) as content_hash,
    count(*)::integer as unit_count
from report_rows as r
