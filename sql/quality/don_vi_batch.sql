-- The rows the don_vi suite (expectations/don_vi.json) validates: every staged unit of one
-- batch with check columns derived from the batch itself and dw (see ho_so_batch.sql for the
-- idea). A check column is NULL when there is nothing to report. No percent sign besides the
-- batch placeholder: GX doubles it.
-- Grain: one row per staged record (batch_id, record_no) of batch %(batch_id)s.
with

units as (
    select *
    from staging.don_vi
    where batch_id = %(batch_id)s
),

-- one code at one NgayCapNhat with different content: the source contradicts itself
conflicting_versions as (
    select unit_code, source_updated_at, count(*) as n_versions
    from staging.don_vi
    where batch_id = %(batch_id)s and unit_code is not null and source_updated_at is not null
    group by unit_code, source_updated_at
    having count(*) > 1
),

-- a parent is known when this very catalogue lists it or dw already has it
known_unit_codes as (
    select unit_code from staging.don_vi where batch_id = %(batch_id)s
    union
    select unit_code from dw.dim_unit
)

select
    units.*,
    unparsed.record -> '_unparseable' ->> 'reason' as unparseable_reason,
    conflicting_versions.n_versions as conflicting_versions,
    units.parent_unit_code in (select known.unit_code from known_unit_codes as known)
        as is_parent_known
from units
-- a record no strict parser accepted landed as a stand-in with its reason (extract/parsing.py)
left join raw.don_vi as unparsed
    on unparsed.batch_id = units.batch_id and unparsed.record_no = units.record_no
left join conflicting_versions
    on conflicting_versions.unit_code = units.unit_code
    and conflicting_versions.source_updated_at = units.source_updated_at
