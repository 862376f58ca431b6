-- The scorecard rows of one Friday for its workbook: every item and total row of every unit,
-- for each scorecard period the Friday published (the forecasts as of its cutoff and the finals
-- of the periods that ended during its week), in the latest version of each, with the label and
-- rule of the configuration that version was computed with.
-- Grain: one row per scorecard × period × unit × item (total included).
with latest as (
    select
        tree_code,
        scorecard,
        period_type,
        period_start,
        as_of,
        max(version) as latest_version
    from mart.scorecard_version
    where tree_code = %(tree_code)s
        and as_of > %(cutoff)s - interval '7 days'
        and as_of <= %(cutoff)s
    group by tree_code, scorecard, period_type, period_start, as_of
),

versions as (
    select v.*
    from mart.scorecard_version as v
    inner join latest as l
        on
            v.tree_code = l.tree_code
            and v.scorecard = l.scorecard
            and v.period_type = l.period_type
            and v.period_start = l.period_start
            and v.as_of = l.as_of
            and v.version = l.latest_version
)

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
from mart.scorecard_item as i
inner join versions as v
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
order by i.scorecard, i.as_of, i.period_start, i.unit_code, i.item
