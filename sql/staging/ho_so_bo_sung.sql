-- Stage the supplement rounds (DanhSachHoSoBoSung) of every record of the batch.
-- Grain: one row per round of a dossier, numbered from 1 in the source's order.
-- A list that is not an array stages no rounds (the record keeps it in raw.ho_so).
-- It runs beside staging/ho_so.sql, on its own connection (transform/stage.py), so it does not
-- wait for the records' de-duplication: the rows of identical copies that collapsed there are
-- removed afterwards by staging/ho_so_copies_children.sql.
insert into staging.ho_so_bo_sung (
    batch_id, record_no, ordinal, requested_at, requested_raw, received_at, received_raw,
    previous_due_at, previous_due_raw, new_due_at, new_due_raw
)

with

batch_records as (
    select record_no, record -> 'DanhSachHoSoBoSung' as rounds
    from raw.ho_so
    where batch_id = %(batch_id)s
),

rounds as (
    select
        r.record_no,
        element.ordinal::integer as ordinal,
        element.round ->> 'NgayYeuCau' as requested_raw,
        element.round ->> 'NgayTiepNhanBoSung' as received_raw,
        element.round ->> 'NgayHenTraTruoc' as previous_due_raw,
        element.round ->> 'NgayHenTraMoi' as new_due_raw
    from batch_records as r
    cross join lateral jsonb_array_elements(
        case jsonb_typeof(r.rounds) when 'array' then r.rounds else '[]' end
    ) with ordinality as element (round, ordinal)
)

select
    %(batch_id)s as batch_id,
    record_no,
    ordinal,
    staging.parse_local_timestamp(requested_raw) as requested_at,
    requested_raw,
    staging.parse_local_timestamp(received_raw) as received_at,
    received_raw,
    staging.parse_local_timestamp(previous_due_raw) as previous_due_at,
    previous_due_raw,
    staging.parse_local_timestamp(new_due_raw) as new_due_at,
    new_due_raw
from rounds
