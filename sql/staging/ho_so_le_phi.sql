-- Stage the fee lines (DanhSachLePhi) of every record of the batch.
-- Grain: one row per fee line of a dossier, numbered from 1 in the source's order.
-- A list that is not an array stages no lines (the record keeps it in raw.ho_so).
-- It runs beside staging/ho_so.sql, on its own connection (transform/stage.py), so it does not
-- wait for the records' de-duplication: the rows of identical copies that collapsed there are
-- removed afterwards by staging/ho_so_copies_children.sql.
insert into staging.ho_so_le_phi (
    batch_id, record_no, ordinal, fee_code, fee_name, fee_name_raw, fee_type_code, fee_type_raw,
    amount, amount_raw
)

with

batch_records as (
    select record_no, record -> 'DanhSachLePhi' as fee_lines
    from raw.ho_so
    where batch_id = %(batch_id)s
),

fee_lines as (
    select
        r.record_no,
        element.ordinal::integer as ordinal,
        element.fee_line ->> 'MaPhiLePhi' as fee_code_raw,
        element.fee_line ->> 'TenPhiLePhi' as fee_name_raw,
        element.fee_line ->> 'LoaiPhiLePhi' as fee_type_raw,
        element.fee_line ->> 'SoTien' as amount_raw
    from batch_records as r
    cross join lateral jsonb_array_elements(
        case jsonb_typeof(r.fee_lines) when 'array' then r.fee_lines else '[]' end
    ) with ordinality as element (fee_line, ordinal)
)

select
    %(batch_id)s as batch_id,
    record_no,
    ordinal,
    staging.clean_code(fee_code_raw) as fee_code,
    staging.clean_text(fee_name_raw) as fee_name,
    fee_name_raw,
    staging.parse_integer(fee_type_raw) as fee_type_code,
    fee_type_raw,
    staging.parse_amount(amount_raw) as amount,
    amount_raw
from fee_lines
