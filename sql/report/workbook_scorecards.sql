-- The scorecard rows of one Friday for its workbook: every item and total row of every unit,
-- for each scorecard period the Friday published (the forecasts as of its cutoff and the finals
-- of the periods that ended during its week), in the latest version of each
-- (mart.scorecard_latest), with the label and rule of the configuration that version was
-- computed with.
-- Grain: one row per scorecard × period × unit × item (total included).
select
    i.scorecard,
    i.period_type,
    i.period_start,
    v.period_end,
    i.as_of,
    i.is_forecast,
    i.version,
    i.unit_code,
    i.item,
    labels.item_text,
    labels.item_rule,
    i.numerator,
    i.denominator,
    i.ratio,
    i.points,
    i.max_points,
    i.flag,
    v.config ->> 'not_computable' as not_computable,
    v.config ->> 'zero_denominator' as zero_denominator
from mart.scorecard_latest as i
inner join mart.scorecard_version as v
    on
        i.tree_code = v.tree_code
        and i.scorecard = v.scorecard
        and i.period_type = v.period_type
        and i.period_start = v.period_start
        and i.as_of = v.as_of
        and i.version = v.version
left join lateral (
    select
        c.value ->> 'label' as item_text,
        c.value ->> 'rule' as item_rule
    from jsonb_array_elements(v.config -> 'items') as c
    where c.value ->> 'item' = i.item
) as labels on true
where i.tree_code = %(tree_code)s
    and i.as_of > %(cutoff)s - interval '7 days'
    and i.as_of <= %(cutoff)s
order by i.scorecard, i.as_of, i.period_start, i.unit_code, i.item
