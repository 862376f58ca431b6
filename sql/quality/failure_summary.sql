-- Per rule of the gate's failures (dq_failure): how many rows, and the first few as a sample
-- for meta.dq_result.observed.
with

numbered as (
    select
        rule,
        record_no,
        details,
        row_number() over (partition by rule order by record_no) as rank_in_rule
    from dq_failure
)

select
    rule,
    count(*) as n_rows,
    jsonb_agg(
        jsonb_build_object('record_no', record_no, 'details', details) order by record_no
    ) filter (where rank_in_rule <= %(sample_size)s) as sample
from numbered
group by rule
