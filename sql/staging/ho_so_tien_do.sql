-- Stage the status history (TienDo) of the batch's staged dossiers.
-- Grain: one row per element of a dossier's TienDo, numbered from 1 in the source's order.
-- A TienDo that is not an array stages no steps (the record keeps it in raw.ho_so).
insert into staging.ho_so_tien_do (
    batch_id, record_no, ordinal, status_code, status_raw, processed_at, processed_raw,
    room_name, officer_code
)

with

staged_dossiers as (
    select record_no
    from staging.ho_so
    where batch_id = %(batch_id)s
),

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
    inner join staged_dossiers as d on r.record_no = d.record_no
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
