-- Stage one batch of payment transactions: raw.giao_dich → staging.giao_dich.
-- Grain: one row per distinct record of the batch; identical copies (a paging quirk) collapse
-- into the lowest record_no.
insert into staging.giao_dich (
    batch_id, record_no, record_hash,
    payment_ref, transaction_code, dossier_code, procedure_code, unit_code,
    amount, amount_raw, service_fee_amount, service_fee_raw, levy_amount, levy_raw,
    payment_method, payment_channel_code, bank_code, payment_status, error_code,
    initiated_at, initiated_raw, succeeded_at, succeeded_raw, refunded_at, refunded_raw,
    source_updated_at, source_updated_raw
)

with

-- the hash of every record of the batch (of the jsonb value, V009): identical copies (a paging
-- quirk) share it. Only this narrow set is grouped; grouping the records themselves spilled the
-- whole batch to disk.
record_hashes as materialized (
    select record_no, jsonb_hash_extended(record, 0) as record_hash
    from raw.giao_dich
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
    inner join raw.giao_dich as r on r.batch_id = %(batch_id)s and r.record_no = h.record_no
    where h.record_hash in (select s.record_hash from shared_hashes as s)
    group by h.record_hash, r.record
),

-- each field leaves the jsonb once (jsonb_to_record, the same text as ->>), however often the
-- parse functions below refer to it; a record that is not an object has none of the fields
source_fields as (
    select
        d.record_no,
        d.record_hash,
        f."MaThamChieu" as payment_ref_raw,
        f."MaGiaoDich" as transaction_code_raw,
        f."MaHoSo" as dossier_code_raw,
        f."MaTTHC" as procedure_code_raw,
        f."MaDonVi" as unit_code_raw,
        f."SoTien" as amount_raw,
        f."Phi" as service_fee_raw,
        f."LePhi" as levy_raw,
        f."HinhThucThanhToan" as payment_method_raw,
        f."MaKenhThanhToan" as payment_channel_code_raw,
        f."MaNganHang" as bank_code_raw,
        f."TrangThai" as payment_status_raw,
        f."MaLoi" as error_code_raw,
        f."ThoiGianGD" as initiated_raw,
        f."ThoiGianGDThanhCong" as succeeded_raw,
        f."ThoiGianHoanPhi" as refunded_raw,
        f."NgayCapNhat" as source_updated_raw
    from distinct_records as d
    inner join raw.giao_dich as r on r.batch_id = %(batch_id)s and r.record_no = d.record_no
    cross join lateral jsonb_to_record(
        case jsonb_typeof(r.record) when 'object' then r.record else '{}' end
    ) as f (
        "MaThamChieu" text,
        "MaGiaoDich" text,
        "MaHoSo" text,
        "MaTTHC" text,
        "MaDonVi" text,
        "SoTien" text,
        "Phi" text,
        "LePhi" text,
        "HinhThucThanhToan" text,
        "MaKenhThanhToan" text,
        "MaNganHang" text,
        "TrangThai" text,
        "MaLoi" text,
        "ThoiGianGD" text,
        "ThoiGianGDThanhCong" text,
        "ThoiGianHoanPhi" text,
        "NgayCapNhat" text
    )
)

select
    %(batch_id)s as batch_id,
    record_no,
    record_hash,
    staging.clean_code(payment_ref_raw) as payment_ref,
    staging.clean_code(transaction_code_raw) as transaction_code,
    staging.clean_code(dossier_code_raw) as dossier_code,
    staging.clean_code(procedure_code_raw) as procedure_code,
    staging.clean_code(unit_code_raw) as unit_code,
    staging.parse_amount(amount_raw) as amount,
    amount_raw,
    staging.parse_amount(service_fee_raw) as service_fee_amount,
    service_fee_raw,
    staging.parse_amount(levy_raw) as levy_amount,
    levy_raw,
    staging.clean_code(payment_method_raw) as payment_method,
    staging.clean_code(payment_channel_code_raw) as payment_channel_code,
    staging.clean_code(bank_code_raw) as bank_code,
    staging.clean_code(payment_status_raw) as payment_status,
    staging.clean_code(error_code_raw) as error_code,
    staging.parse_local_timestamp(initiated_raw) as initiated_at,
    initiated_raw,
    staging.parse_local_timestamp(succeeded_raw) as succeeded_at,
    succeeded_raw,
    staging.parse_local_timestamp(refunded_raw) as refunded_at,
    refunded_raw,
    staging.parse_local_timestamp(source_updated_raw) as source_updated_at,
    source_updated_raw
from source_fields
