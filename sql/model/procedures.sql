-- The procedure catalogue of a report tree as it stood at the cutoff, into the temporary table
-- model_procedures: each procedure's version in force then (dw.dim_procedure is SCD2).
-- Grain: one row per (source, procedure code). Parameters: tree_code, cutoff.
create temporary table model_procedures on commit drop as
select distinct on (source_code, procedure_code)
    source_code,
    procedure_key,
    procedure_durable_key,
    procedure_code,
    online_level,
    coalesce(has_fees, false) as has_fees,
    coalesce(is_full_process_eligible, false) as is_full_process_eligible,
    coalesce(has_online_payment, false) as has_online_payment
from dw.dim_procedure
where source_code in (select dw.tree_sources(%(tree_code)s)) and valid_from <= %(cutoff)s
order by source_code, procedure_code, valid_from desc;
