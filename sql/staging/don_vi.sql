-- Stage one batch of the unit catalogue: raw.don_vi → staging.don_vi.
-- Grain: one row per distinct record of the batch; identical copies (a paging quirk) collapse
-- into the lowest record_no.
insert into staging.don_vi (
    batch_id, record_no, record_hash,
    unit_code, unit_name, unit_name_raw, unit_level, parent_unit_code, area_code,
    is_active, is_active_raw, source_updated_at, source_updated_raw,
    effective_from, effective_from_raw, effective_to, effective_to_raw, successor_unit_code
)

with

batch_records as (
    select record_no, record
    from raw.don_vi
    where batch_id = %(batch_id)s
),

distinct_records as (
    select min(record_no) as record_no, record
    from batch_records
    group by record
),

-- materialized: each field leaves the jsonb once; inlined, every reference that the parse
-- functions make to their argument would look the field up again
source_fields as materialized (
    select
        record_no,
        jsonb_hash_extended(record, 0) as record_hash,
        record ->> 'MaDinhDanh' as unit_code_raw,
        record ->> 'TenDonVi' as unit_name_raw,
        record ->> 'CapDonVi' as unit_level_raw,
        record ->> 'MaDonViCha' as parent_unit_code_raw,
        record ->> 'MaDVHC' as area_code_raw,
        record ->> 'HieuLuc' as is_active_raw,
        record ->> 'NgayCapNhat' as source_updated_raw,
        record ->> 'NgayHieuLuc' as effective_from_raw,
        record ->> 'NgayHetHieuLuc' as effective_to_raw,
        record ->> 'MaDonViKeThua' as successor_unit_code_raw
    from distinct_records
)

select
    %(batch_id)s as batch_id,
    record_no,
    record_hash,
    staging.clean_code(unit_code_raw) as unit_code,
    staging.clean_text(unit_name_raw) as unit_name,
    unit_name_raw,
    staging.clean_code(unit_level_raw) as unit_level,
    staging.clean_code(parent_unit_code_raw) as parent_unit_code,
    staging.clean_code(area_code_raw) as area_code,
    staging.parse_boolean(is_active_raw) as is_active,
    is_active_raw,
    staging.parse_local_timestamp(source_updated_raw) as source_updated_at,
    source_updated_raw,
    staging.parse_local_timestamp(effective_from_raw) as effective_from,
    effective_from_raw,
    staging.parse_local_timestamp(effective_to_raw) as effective_to,
    effective_to_raw,
    staging.clean_code(successor_unit_code_raw) as successor_unit_code
from source_fields
