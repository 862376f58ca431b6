-- The status history of the candidate dossiers (model_dossier_candidates) before the cutoff,
-- into the temporary table model_dossier_steps: the steps that decide each dossier's status at
-- the cutoff and at each period's start (dossier_status.sql). A table of its own, analysed, so
-- that the planner knows how many dossiers and steps it groups (estimated from a CTE, a few
-- hundred groups became a nested loop over hundreds of thousands of rows).
-- Grain: one row per step. Parameters: cutoff.
create temporary table model_dossier_steps on commit drop as
select
    s.dossier_key,
    s.status_key,
    s.status_at,
    s.step_no
from dw.fact_dossier_status as s
inner join model_dossier_candidates as d on s.dossier_key = d.dossier_key
where s.status_at < %(cutoff)s;
