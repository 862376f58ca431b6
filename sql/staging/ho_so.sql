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
    source_updated_at, source_updated_raw,
    has_electronic_result, has_electronic_result_raw, is_vneid_verified, is_vneid_verified_raw
)

with

-- the hash of every record of the batch (of the jsonb value, V009): identical copies (a paging
-- quirk) share it. Only this narrow set is grouped; grouping the records themselves spilled the
-- whole batch to disk.
record_hashes as materialized (
    select record_no, jsonb_hash_extended(record, 0) as record_hash
    from raw.ho_so
    where batch_id = %(batch_id)s
),

shared_hashes as (
    select record_hash
    from record_hashes
    group by record_hash
    having count(*) > 1
),

-- one row per distinct record: the lowest record_no of its identical copies. Records sharing
-- a hash are compared in full, so only identical ones collapse.
distinct_records as (
    select h.record_no, h.record_hash
    from record_hashes as h
    where h.record_hash not in (select s.record_hash from shared_hashes as s)
    union all
    select min(h.record_no) as record_no, h.record_hash
    from record_hashes as h
    inner join raw.ho_so as r on r.batch_id = %(batch_id)s and r.record_no = h.record_no
    where h.record_hash in (select s.record_hash from shared_hashes as s)
    group by h.record_hash, r.record
),

-- each field leaves the jsonb once (jsonb_to_record, the same text as ->>), however often the
-- parse functions below refer to it; a record that is not an object has none of the fields
source_fields as (
    select
        d.record_no,
        d.record_hash,
        f."MaHoSo" as dossier_code_raw,
        f."MaTTHC" as procedure_code_raw,
        f."TenTTHC" as procedure_name_raw,
        f."MaLinhVuc" as field_code_raw,
        f."DonViXuLy" as unit_code_raw,
        f."KenhThucHien" as channel_raw,
        f."LoaiDoiTuong" as applicant_type_raw,
        f."SoGiayToChuHoSo" as applicant_id_number_raw,
        f."NgayNopHoSo" as submitted_raw,
        f."NgayTiepNhan" as received_raw,
        f."NgayHenTra" as due_raw,
        f."NgayKetThucXuLy" as finished_raw,
        f."NgayTra" as returned_raw,
        f."TrangThaiHoSo" as status_raw,
        f."DuocThanhToanTrucTuyen" as online_payment_raw,
        f."HoSoCoThanhPhanSoHoa" as has_digitised_components_raw,
        f."NgayCapNhat" as source_updated_raw,
        f."CoKetQuaDienTu" as has_electronic_result_raw,
        f."TaiKhoanDuocXacThucVoiVNeID" as is_vneid_verified_raw
    from distinct_records as d
    inner join raw.ho_so as r on r.batch_id = %(batch_id)s and r.record_no = d.record_no
    cross join lateral jsonb_to_record(
        case jsonb_typeof(r.record) when 'object' then r.record else '{}' end
    ) as f (
        "MaHoSo" text,
        "MaTTHC" text,
        "TenTTHC" text,
        "MaLinhVuc" text,
        "DonViXuLy" text,
        "KenhThucHien" text,
        "LoaiDoiTuong" text,
        "SoGiayToChuHoSo" text,
        "NgayNopHoSo" text,
        "NgayTiepNhan" text,
        "NgayHenTra" text,
        "NgayKetThucXuLy" text,
        "NgayTra" text,
        "TrangThaiHoSo" text,
        "DuocThanhToanTrucTuyen" text,
        "HoSoCoThanhPhanSoHoa" text,
        "NgayCapNhat" text,
        "CoKetQuaDienTu" text,
        "TaiKhoanDuocXacThucVoiVNeID" text
    )
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
    upper(nullif(regexp_replace(
        case
            when applicant_id_number_raw is nfc normalized then applicant_id_number_raw
            else normalize(applicant_id_number_raw, nfc)
        end, '\s', '', 'g'), ''))
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
    source_updated_raw,
    -- 0/1 flags; absent means 0 (the load's coalesce), anything else is quarantined
    staging.parse_boolean(has_electronic_result_raw) as has_electronic_result,
    has_electronic_result_raw,
    staging.parse_boolean(is_vneid_verified_raw) as is_vneid_verified,
    is_vneid_verified_raw
from source_fields
