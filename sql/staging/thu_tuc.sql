-- Stage one batch of the procedure catalogue: raw.thu_tuc → staging.thu_tuc.
-- Grain: one row per distinct record of the batch; identical copies (a paging quirk) collapse
-- into the lowest record_no.
insert into staging.thu_tuc (
    batch_id, record_no, record_hash,
    procedure_code, procedure_name, procedure_name_raw, field_code, field_name, field_name_raw,
    procedure_level, online_level, has_fees, has_fees_raw,
    legal_duration_days, legal_duration_raw, handling_unit_codes, handling_units_raw,
    source_updated_at, source_updated_raw,
    is_full_process_eligible, is_full_process_eligible_raw, has_online_payment,
    has_online_payment_raw
)

with

batch_records as (
    select record_no, record
    from raw.thu_tuc
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
        record ->> 'MaTTHC' as procedure_code_raw,
        record ->> 'TenTTHC' as procedure_name_raw,
        record ->> 'MaLinhVuc' as field_code_raw,
        record ->> 'TenLinhVuc' as field_name_raw,
        record ->> 'CapThucHien' as procedure_level_raw,
        record ->> 'MucDoDVC' as online_level_raw,
        record ->> 'CoPhiLePhi' as has_fees_raw,
        record ->> 'ThoiHanGiaiQuyet' as legal_duration_raw,
        record -> 'CoQuanThucHien' as handling_units,
        record ->> 'NgayCapNhat' as source_updated_raw,
        record ->> 'DuDieuKienToanTrinh' as is_full_process_eligible_raw,
        record ->> 'CoThanhToanTrucTuyen' as has_online_payment_raw
    from distinct_records
),

-- CoQuanThucHien as a set: trimmed, without blanks or repeats, sorted bytewise so that the same
-- set in another order is the same value. Anything but an array gives no codes (text stays raw).
handling_unit_sets as (
    select
        f.record_no,
        array(
            -- sqlfluff reads the collation "C" as a column; order by 1 is the distinct expression
            select distinct staging.clean_code(element.unit_code) collate "C"  -- noqa: RF02, RF03
            from jsonb_array_elements_text(
                case jsonb_typeof(f.handling_units) when 'array' then f.handling_units else '[]' end
            ) as element (unit_code)
            where staging.clean_code(element.unit_code) is not null
            order by 1  -- noqa: AM06
        ) as handling_unit_codes
    from source_fields as f
)

select
    %(batch_id)s as batch_id,
    f.record_no,
    f.record_hash,
    staging.clean_code(f.procedure_code_raw) as procedure_code,
    staging.clean_text(f.procedure_name_raw) as procedure_name,
    f.procedure_name_raw,
    staging.clean_code(f.field_code_raw) as field_code,
    staging.clean_text(f.field_name_raw) as field_name,
    f.field_name_raw,
    staging.clean_code(f.procedure_level_raw) as procedure_level,
    staging.clean_code(f.online_level_raw) as online_level,
    staging.parse_boolean(f.has_fees_raw) as has_fees,
    f.has_fees_raw,
    staging.parse_integer(f.legal_duration_raw) as legal_duration_days,
    f.legal_duration_raw,
    h.handling_unit_codes,
    f.handling_units::text as handling_units_raw,
    staging.parse_local_timestamp(f.source_updated_raw) as source_updated_at,
    f.source_updated_raw,
    -- booleans; absent means false (the load's coalesce), anything else is quarantined
    staging.parse_boolean(f.is_full_process_eligible_raw) as is_full_process_eligible,
    f.is_full_process_eligible_raw,
    staging.parse_boolean(f.has_online_payment_raw) as has_online_payment,
    f.has_online_payment_raw
from source_fields as f
inner join handling_unit_sets as h on f.record_no = h.record_no
