-- The rows the thu_tuc suite (expectations/thu_tuc.json) validates: every staged procedure of
-- one batch with check columns derived from the batch itself (see ho_so_batch.sql for the
-- idea). A check column is NULL when there is nothing to report. No percent sign besides the
-- batch placeholder: GX doubles it.
-- Grain: one row per staged record (batch_id, record_no) of batch %(batch_id)s.
with

procedures as (
    select *
    from staging.thu_tuc
    where batch_id = %(batch_id)s
),

-- a record no strict parser accepted landed as a stand-in with its reason (extract/parsing.py);
-- only those are read out of raw: its records are the batch's widest rows
unparseable_records as (
    select record_no, record -> '_unparseable' ->> 'reason' as unparseable_reason
    from raw.thu_tuc
    where batch_id = %(batch_id)s and record -> '_unparseable' ->> 'reason' is not null
),

-- one code at one NgayCapNhat with different content: the source contradicts itself
conflicting_versions as (
    select procedure_code, source_updated_at, count(*) as n_versions
    from staging.thu_tuc
    where batch_id = %(batch_id)s and procedure_code is not null and source_updated_at is not null
    group by procedure_code, source_updated_at
    having count(*) > 1
)

select
    procedures.*,
    unparseable_records.unparseable_reason,
    conflicting_versions.n_versions as conflicting_versions,
    (
        select array_agg(handling_unit.code)
        from unnest(procedures.handling_unit_codes) as handling_unit (code)
        where handling_unit.code !~ '^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$'
    ) as malformed_handling_unit_codes,
    -- booleans: absent (null, "") means false, anything parse_boolean cannot read is bad
    nullif(array_remove(array[
        case when btrim(procedures.is_full_process_eligible_raw) <> ''
            and procedures.is_full_process_eligible is null then 'DuDieuKienToanTrinh' end,
        case when btrim(procedures.has_online_payment_raw) <> ''
            and procedures.has_online_payment is null then 'CoThanhToanTrucTuyen' end
    ], null), '{}') as invalid_boolean_fields
from procedures
left join unparseable_records on unparseable_records.record_no = procedures.record_no
left join conflicting_versions
    on conflicting_versions.procedure_code = procedures.procedure_code
    and conflicting_versions.source_updated_at = procedures.source_updated_at
