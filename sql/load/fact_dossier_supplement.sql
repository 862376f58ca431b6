-- Replace the supplement rounds of the dossiers that fact_dossier.sql just wrote.
-- Grain: one row per supplement round (DanhSachHoSoBoSung element) of a dossier's newest version.
-- Rounds beyond the new version's count are deleted and the others upserted (disjoint keys).
with

written_dossiers as (
    select dossier_key, record_no
    from written_dossier
),

staged_rounds as (
    select record_no, ordinal, requested_at, received_at, previous_due_at, new_due_at
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s
),

rounds as (
    select
        w.dossier_key,
        r.ordinal as round_no,
        r.requested_at,
        r.received_at,
        r.previous_due_at,
        r.new_due_at,
        dw.date_key(r.requested_at) as requested_date_key,
        dw.date_key(r.received_at) as received_date_key,
        %(source_code)s::text as source_code
    from written_dossiers as w
    inner join staged_rounds as r on w.record_no = r.record_no
),

round_counts as (
    select w.dossier_key, count(r.round_no) as n_rounds
    from written_dossiers as w
    left join rounds as r on w.dossier_key = r.dossier_key
    group by w.dossier_key
),

removed_rounds as (
    delete from dw.fact_dossier_supplement as f
    using round_counts as c
    where f.dossier_key = c.dossier_key and f.round_no > c.n_rounds
)

insert into dw.fact_dossier_supplement as f (
    dossier_key, round_no, requested_at, received_at, previous_due_at, new_due_at,
    requested_date_key, received_date_key, source_code
)
select
    dossier_key, round_no, requested_at, received_at, previous_due_at, new_due_at,
    requested_date_key, received_date_key, source_code
from rounds
on conflict (dossier_key, round_no) do update set
    requested_at = excluded.requested_at,
    received_at = excluded.received_at,
    previous_due_at = excluded.previous_due_at,
    new_due_at = excluded.new_due_at,
    requested_date_key = excluded.requested_date_key,
    received_date_key = excluded.received_date_key
where (f.requested_at, f.received_at, f.previous_due_at, f.new_due_at)
    is distinct from (
        excluded.requested_at, excluded.received_at, excluded.previous_due_at, excluded.new_due_at
    )
