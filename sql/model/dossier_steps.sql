-- The steps of the candidate dossiers (model_dossier_candidates) that can be in force at the
-- cutoff or at a period's start, into the temporary table model_dossier_steps: of each
-- dossier's status history before the cutoff, the last step of each interval the periods'
-- starts cut it into (bucket 0 before the earliest start, k from the k-th start on). The status
-- at the cutoff is the last of them, the status at the k-th start the last before bucket k
-- (dossier_status.sql). One sort of the history, keeping one to four rows a dossier instead of
-- its five to ten steps; a table of its own, analysed, so that the planner knows how many
-- dossiers it groups (estimated from a CTE, a few hundred groups became a nested loop over
-- hundreds of thousands of rows).
-- Grain: one row per (dossier, bucket with a step). Parameters: period_starts (ascending),
-- cutoff.
create temporary table model_dossier_steps on commit drop as
select distinct on (s.dossier_key, bucket)
    s.dossier_key,
    width_bucket(s.status_at, %(period_starts)s::timestamptz[]) as bucket,
    s.status_key,
    s.status_at,
    s.step_no
from dw.fact_dossier_status as s
inner join model_dossier_candidates as d on s.dossier_key = d.dossier_key
where s.status_at < %(cutoff)s
order by s.dossier_key, bucket, s.status_at desc, s.step_no desc;
