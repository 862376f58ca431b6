-- V008: performance (issue 6, bench/RESULTS.md). Same results, less work per row.
--
-- staging.clean_text: text that is already NFC (nearly all of it: the sources send precomposed
-- Vietnamese) skips the normalisation. `is nfc normalized` is a quick check per character; the
-- full normalize() decomposes and recomposes every string, and was the costliest parse of a
-- batch (a third of staging the status history). normalize() of NFC text is that text, so the
-- result is the same for every input.
create or replace function staging.clean_text(raw text) returns text
language sql immutable parallel safe
return nullif(
    case
        when btrim(raw, E' \t\r\n\u00a0') is nfc normalized then btrim(raw, E' \t\r\n\u00a0')
        else normalize(btrim(raw, E' \t\r\n\u00a0'), nfc)
    end,
    ''
);

-- Planner statistics for the Friday report (sql/report/chi_thi_04_rows.sql). ANALYZE samples
-- 30,000 rows: over the 28 M status steps of 5 M dossiers it took the ~6 steps of a dossier
-- for ~50, judged probing the steps of each candidate dossier too costly, and hashed the whole
-- table instead (10 of the report's 14.6 s, spilling 1 GB to disk). A dossier has 1 to 10
-- steps, about 5 on average, so its distinct dossiers are a stable fifth of the rows: given
-- here as that share (a negative n_distinct), whatever the sample sees. Used from the next
-- ANALYZE on (autovacuum's, or a load's).
alter table dw.fact_dossier_status alter column dossier_key set (n_distinct = -0.2);
