-- Stage one batch of dossiers: raw.ho_so → staging.ho_so (the child collections have their own
-- files and run after this one).
-- Grain: one row per distinct record of the batch; identical copies (a paging quirk) collapse
-- into the lowest record_no. Only the identity number of the applicant is staged (for its hash).
insert into staging.ho_so (
    batch_id, record_no, record_hash,
    dossier_code, procedure_code, procedure_name, procedure_name_raw, field_code, unit_code,
    channel_code, channel_raw, applicant_type_code, applicant_type_raw, applicant_id_number,
    submitted_at, submitted_raw, received_at, received_raw, due_at, due_raw,
    finished_at, finished_raw, returned_at, returned_raw, status_code, status_raw,
    online_payment_code, online_payment_raw,
    has_digitised_components, has_digitised_components_raw,
    source_updated_at, source_updated_raw
)

with

batch_records as (
    select record_no, record
    from raw.ho_so
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
        md5(record::text) as record_hash,
        record ->> 'MaHoSo' as dossier_code_raw,
        record ->> 'MaTTHC' as procedure_code_raw,
        record ->> 'TenTTHC' as procedure_name_raw,
        record ->> 'MaLinhVuc' as field_code_raw,
        record ->> 'DonViXuLy' as unit_code_raw,
        record ->> 'KenhThucHien' as channel_raw,
        record ->> 'LoaiDoiTuong' as applicant_type_raw,
        record ->> 'SoGiayToChuHoSo' as applicant_id_number_raw,
        record ->> 'NgayNopHoSo' as submitted_raw,
        record ->> 'NgayTiepNhan' as received_raw,
        record ->> 'NgayHenTra' as due_raw,
        record ->> 'NgayKetThucXuLy' as finished_raw,
        record ->> 'NgayTra' as returned_raw,
        record ->> 'TrangThaiHoSo' as status_raw,
        record ->> 'DuocThanhToanTrucTuyen' as online_payment_raw,
        record ->> 'HoSoCoThanhPhanSoHoa' as has_digitised_components_raw,
        record ->> 'NgayCapNhat' as source_updated_raw
    from distinct_records
)

select
    %(batch_id)s as batch_id,
    record_no,
    record_hash,
    staging.clean_code(dossier_code_raw) as dossier_code,
    staging.clean_code(procedure_code_raw) as procedure_code,
    staging.clean_text(procedure_name_raw) as procedure_name,
    procedure_name_raw,
    staging.clean_code(field_code_raw) as field_code,
    staging.clean_code(unit_code_raw) as unit_code,
    staging.parse_integer(channel_raw) as channel_code,
    channel_raw,
    staging.parse_integer(applicant_type_raw) as applicant_type_code,
    applicant_type_raw,
    -- the same document written "0123 4567" or "abc123" hashes alike
    upper(nullif(regexp_replace(normalize(applicant_id_number_raw, nfc), '\s', '', 'g'), ''))
        as applicant_id_number,
    staging.parse_local_timestamp(submitted_raw) as submitted_at,
    submitted_raw,
    staging.parse_local_timestamp(received_raw) as received_at,
    received_raw,
    staging.parse_local_timestamp(due_raw) as due_at,
    due_raw,
    staging.parse_local_timestamp(finished_raw) as finished_at,
    finished_raw,
    staging.parse_local_timestamp(returned_raw) as returned_at,
    returned_raw,
    staging.parse_integer(status_raw) as status_code,
    status_raw,
    staging.parse_integer(online_payment_raw) as online_payment_code,
    online_payment_raw,
    staging.parse_boolean(has_digitised_components_raw) as has_digitised_components,
    has_digitised_components_raw,
    staging.parse_local_timestamp(source_updated_raw) as source_updated_at,
    source_updated_raw
from source_fields
