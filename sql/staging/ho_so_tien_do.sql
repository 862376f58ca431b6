-- Stage the status history (TienDo) of every record of the batch.
-- Grain: one row per element of a dossier's TienDo, numbered from 1 in the source's order.
-- A TienDo that is not an array stages no steps (the record keeps it in raw.ho_so).
-- It runs beside staging/ho_so.sql, on its own connection (transform/stage.py), so it does not
-- wait for the records' de-duplication: the rows of identical copies that collapsed there are
-- removed afterwards by staging/ho_so_copies_children.sql.
insert into staging.ho_so_tien_do (
    batch_id, record_no, ordinal, status_code, status_raw, processed_at, processed_raw,
    room_name, officer_code
)

with

batch_records as (
    select record_no, record -> 'TienDo' as steps
    from raw.ho_so
    where batch_id = %(batch_id)s
),

steps as (
    select
        r.record_no,
        element.ordinal::integer as ordinal,
        element.step ->> 'TrangThai' as status_raw,
        element.step ->> 'ThoiDiemXuLy' as processed_raw,
        element.step ->> 'PhongBanXuLy' as room_name_raw,
        element.step ->> 'NguoiXuLy' as officer_code_raw
    from batch_records as r
    cross join lateral jsonb_array_elements(
        case jsonb_typeof(r.steps) when 'array' then r.steps else '[]' end
    ) with ordinality as element (step, ordinal)
)

select
    %(batch_id)s as batch_id,
    record_no,
    ordinal,
    staging.parse_integer(status_raw) as status_code,
    status_raw,
    staging.parse_local_timestamp(processed_raw) as processed_at,
    processed_raw,
    staging.clean_text(room_name_raw) as room_name,
    staging.clean_code(officer_code_raw) as officer_code
from steps
