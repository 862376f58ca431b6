-- Per entity with parked records (dossiers, payments, ...): how many records the period's
-- loaded batches extracted and how many of them are still parked. A batch belongs to the
-- period when its window lies inside [period start, cutoff).
-- Grain: one row per entity that loaded in the period.
with

period_batches as (
    select batch_id, entity, n_extracted
    from meta.load_batch
    where status = 'loaded'
        and source_code in (select dw.tree_sources(%(tree_code)s))
        and window_start >= %(period_start)s
        and window_end <= %(cutoff)s
),

parked as (
    select period_batches.entity, count(*) as n_parked
    from meta.parked_record
    -- using: both sides name the one batch_id
    inner join period_batches using (batch_id)  -- noqa: ST07
    group by period_batches.entity
)

select
    period_batches.entity,
    sum(period_batches.n_extracted)::integer as n_extracted,
    coalesce(max(parked.n_parked), 0)::integer as n_parked
from period_batches
left join parked on parked.entity = period_batches.entity
group by period_batches.entity
order by period_batches.entity
