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

batch_records as (
    select record_no, record
    from raw.giao_dich
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
        record ->> 'MaThamChieu' as payment_ref_raw,
        record ->> 'MaGiaoDich' as transaction_code_raw,
        record ->> 'MaHoSo' as dossier_code_raw,
        record ->> 'MaTTHC' as procedure_code_raw,
        record ->> 'MaDonVi' as unit_code_raw,
        record ->> 'SoTien' as amount_raw,
        record ->> 'Phi' as service_fee_raw,
        record ->> 'LePhi' as levy_raw,
        record ->> 'HinhThucThanhToan' as payment_method_raw,
        record ->> 'MaKenhThanhToan' as payment_channel_code_raw,
        record ->> 'MaNganHang' as bank_code_raw,
        record ->> 'TrangThai' as payment_status_raw,
        record ->> 'MaLoi' as error_code_raw,
        record ->> 'ThoiGianGD' as initiated_raw,
        record ->> 'ThoiGianGDThanhCong' as succeeded_raw,
        record ->> 'ThoiGianHoanPhi' as refunded_raw,
        record ->> 'NgayCapNhat' as source_updated_raw
    from distinct_records
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
