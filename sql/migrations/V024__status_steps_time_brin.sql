-- V024: the status steps' time index becomes a BRIN index (issue 18, item 3: index strategy).
-- The b-tree on status_at (V007) cost the dossier load 2.6 s of its 22.3 at 300,000 dossiers
-- (1.5 M steps, each one inserted at a random place of the index), an eighth of the load.
-- Nothing of the pipeline reads it: the weekly model and the reports reach the steps through
-- the primary key (dossier_key, step_no), and V007's dw.v_dossier_status_history could not use
-- it (its window functions ran over each dossier's steps before any filter; V025 removes them).
-- It serves an analyst's range of times on the steps, and a BRIN index does that too: the
-- steps are appended day by day as they happen, so each range of pages holds the steps of a
-- few weeks; the scan reads those ranges and rechecks their rows. Measured on 1.5 M steps laid
-- out as daily loads append them (bench/step_index.py, bench/RESULTS.md): about the same pages
-- read as through the b-tree, a week of steps 107 against 102 ms, a day 61 against 26 ms.
-- autosummarize: autovacuum summarises each range of pages as it fills, so a range the loads
-- have just written is not scanned whole for want of a summary.

drop index dw.fact_dossier_status_status_at_idx;
create index fact_dossier_status_status_at_idx on dw.fact_dossier_status using brin (status_at)
with (autosummarize = on);
