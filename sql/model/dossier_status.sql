-- The status of every candidate dossier (model_dossier_candidates, model_dossier_steps) in force
-- at the cutoff and at the start of each period that ends at this cutoff (the month, quarter and
-- year to date of a Friday share one model), into the temporary table model_dossier_status: the
-- last step of dw.fact_dossier_status before each moment, so that a period scored again after
-- later loads gives the numbers it gave then. A table of its own, analysed, for the same reason
-- as the candidates'.
-- Grain: one row per (candidate with a step before the cutoff, period start for which it is a
-- candidate: not finished, by its record, before that start).
-- Parameters: period_starts (ascending).
create temporary table model_dossier_status on commit drop as

with

period_starts as (
    select period_start, period_no
    from unnest(%(period_starts)s::timestamptz[]) with ordinality as p (period_start, period_no)
),

-- the last step before the cutoff: the one of the highest bucket
status_at_cutoff as (
    select distinct on (dossier_key) dossier_key, status_key as status, status_at, step_no
    from model_dossier_steps
    order by dossier_key, bucket desc
),

-- the last step before the k-th start: the one of the highest bucket below k
status_at_period_start as (
    select distinct on (s.dossier_key, p.period_no)
        s.dossier_key,
        p.period_no,
        s.status_key as status
    from model_dossier_steps as s
    inner join period_starts as p on s.bucket < p.period_no
    order by s.dossier_key, p.period_no, s.bucket desc
)

select
    c.dossier_key,
    p.period_start,
    c.status,
    c.status_at,
    c.step_no,
    ps.status as status_at_start
from status_at_cutoff as c
inner join model_dossier_candidates as d on c.dossier_key = d.dossier_key
inner join period_starts as p on d.finished_at is null or d.finished_at >= p.period_start
left join status_at_period_start as ps
    on c.dossier_key = ps.dossier_key and p.period_no = ps.period_no;
