-- Records still parked for a missing reference, per rule, as one JSON object
-- ({"giao_dich.unknown_dossier": 3}); a record waiting for two references counts under both.
select coalesce(jsonb_object_agg(rule, n_records order by rule), '{}'::jsonb)
from (
    select rule, count(*) as n_records
    from meta.parked_record
    inner join meta.load_batch on parked_record.batch_id = load_batch.batch_id
    -- rule is the unnest's column, not parked_record's
    cross join unnest(parked_record.rules) as rule  -- noqa: RF03
    where load_batch.source_code in (select dw.tree_sources(%(tree_code)s))
    group by rule
) as by_rule
