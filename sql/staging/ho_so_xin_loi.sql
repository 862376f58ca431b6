-- Stage the apology letters (DanhSachXinLoi) of every record of the batch.
-- Grain: one row per letter of a dossier, numbered from 1 in the source's order.
-- A list that is not an array stages no letters (the record keeps it in raw.ho_so; the gate's
-- ho_so.malformed_list names it). Runs beside staging/ho_so.sql like the other child
-- collections; the letters of identical copies go in staging/ho_so_copies_children.sql.
insert into staging.ho_so_xin_loi (
    batch_id, record_no, ordinal, apologised_at, apologised_raw, new_due_at, new_due_raw,
    reason, reason_raw
)

with

batch_records as (
    select record_no, record -> 'DanhSachXinLoi' as letters
    from raw.ho_so
    where batch_id = %(batch_id)s
),

letters as (
    select
        r.record_no,
        element.ordinal::integer as ordinal,
        element.letter ->> 'NgayXinLoi' as apologised_raw,
        element.letter ->> 'NgayHenTraMoi' as new_due_raw,
        element.letter ->> 'LyDo' as reason_raw
    from batch_records as r
    cross join lateral jsonb_array_elements(
        case jsonb_typeof(r.letters) when 'array' then r.letters else '[]' end
    ) with ordinality as element (letter, ordinal)
)

select
    %(batch_id)s as batch_id,
    record_no,
    ordinal,
    staging.parse_local_timestamp(apologised_raw) as apologised_at,
    apologised_raw,
    staging.parse_local_timestamp(new_due_raw) as new_due_at,
    new_due_raw,
    staging.clean_text(reason_raw) as reason,
    reason_raw
from letters
