-- Does the root add up? The root rows (depth 0) of report_rows against the whole source: the
-- counts taken straight from the classified facts (report_dossiers, before any unit tree), and
-- the dossiers whose unit has no row in the tree, i.e. counted for nobody.
-- Grain: one row.
with

source_totals as (
    select
        count(*) filter (where is_received_in_period)::integer as received,
        count(*) filter (where is_resolved_in_period)::integer as resolved,
        count(*) filter (where not is_finished)::integer as pending,
        count(*) filter (where is_received_in_period and has_fees)::integer as fee_dossiers
    from report_dossiers
),

root_totals as (
    select
        coalesce(sum(received), 0)::integer as received,
        coalesce(sum(resolved), 0)::integer as resolved,
        coalesce(sum(pending), 0)::integer as pending,
        coalesce(sum(fee_dossiers), 0)::integer as fee_dossiers
    from report_rows
    where unit_depth = 0
),

uncounted as (
    select d.dossier_code
    from report_dossiers as d
    where not exists (select from report_rows as r where r.unit_code = d.unit_code)
)

select
    jsonb_build_object(
        'received', s.received, 'resolved', s.resolved, 'pending', s.pending,
        'fee_dossiers', s.fee_dossiers
    ) as source_totals,
    jsonb_build_object(
        'received', r.received, 'resolved', r.resolved, 'pending', r.pending,
        'fee_dossiers', r.fee_dossiers
    ) as root_totals,
    (select count(*) from uncounted)::integer as uncounted_count,
    -- one table in the subquery; sqlfluff reads the collation "C" as a column
    array(
        select dossier_code from uncounted order by dossier_code collate "C" limit 20  -- noqa: RF02
    ) as uncounted_examples
from source_totals as s
cross join root_totals as r
