-- Link the versions of the batch's procedures to their handling units (CoQuanThucHien).
-- Grain: one row per (procedure version, handling unit code). A version's units change only when
-- a correction with the same NgayCapNhat replaced the version (dim_procedure.sql): units it no
-- longer names are unlinked, and rows already present stay as they are.
with

batch_procedures as (
    select distinct procedure_code
    from staging.thu_tuc_loadable
    where batch_id = %(batch_id)s
),

procedure_versions as (
    select p.procedure_key, p.handling_unit_codes
    from dw.dim_procedure as p
    inner join batch_procedures as b on p.procedure_code = b.procedure_code
    where p.source_code = %(source_code)s
),

unlinked as (
    delete from dw.bridge_procedure_unit as bridge
    using procedure_versions as v
    where bridge.procedure_key = v.procedure_key
        and bridge.unit_code <> all(v.handling_unit_codes)
)

insert into dw.bridge_procedure_unit (procedure_key, unit_code, unit_durable_key, source_code)
select
    v.procedure_key,
    handling_unit.unit_code,
    dw.source_key(%(source_code)s, handling_unit.unit_code) as unit_durable_key,
    %(source_code)s as source_code
from procedure_versions as v
cross join lateral unnest(v.handling_unit_codes) as handling_unit (unit_code)

on conflict (procedure_key, unit_code) do nothing
