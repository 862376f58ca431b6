-- Replace the status steps of the dossiers that fact_dossier.sql just wrote.
-- Grain: one row per status step (TienDo element) of a dossier's newest version.
-- A dossier with steps in dw already: steps beyond the new version's count are deleted and the
-- others upserted (the two sets never share a key), so unchanged steps are not rewritten. A
-- dossier without steps in dw yet (one seen for the first time, e.g. every dossier of a first
-- load) has nothing to conflict with: its steps are inserted plainly, without the conflict
-- check per row in the primary key.
with

written_dossiers as (
    select w.dossier_key, w.record_no, loaded.dossier_key is not null as has_loaded_steps
    from written_dossier as w
    -- one probe of the primary key per dossier (lateral + limit keeps it a probe, never a
    -- scan of the whole fact table)
    left join lateral (
        select f.dossier_key
        from dw.fact_dossier_status as f
        where f.dossier_key = w.dossier_key
        -- any one row: only whether one exists matters
        limit 1  -- noqa: AM09
    ) as loaded on true
),

staged_steps as (
    select record_no, ordinal, status_code, processed_at, room_name, officer_code
    from staging.ho_so_tien_do
    where batch_id = %(batch_id)s
),

statuses as (
    select status_key, status_code
    from dw.dim_status
),

steps as (
    select
        w.dossier_key,
        w.has_loaded_steps,
        t.ordinal as step_no,
        coalesce(s.status_key, -1) as status_key,
        t.processed_at as status_at,
        dw.date_key(t.processed_at) as status_date_key,
        t.room_name,
        t.officer_code,
        %(source_code)s::text as source_code
    from written_dossiers as w
    inner join staged_steps as t on w.record_no = t.record_no
    left join statuses as s on t.status_code = s.status_code
),

step_counts as (
    select w.dossier_key, count(s.step_no) as n_steps
    from written_dossiers as w
    left join steps as s on w.dossier_key = s.dossier_key
    where w.has_loaded_steps
    group by w.dossier_key
),

removed_steps as (
    delete from dw.fact_dossier_status as f
    using step_counts as c
    where f.dossier_key = c.dossier_key and f.step_no > c.n_steps
),

new_dossiers_steps as (
    insert into dw.fact_dossier_status (
        dossier_key, step_no, status_key, status_at, status_date_key, room_name, officer_code,
        source_code
    )
    select
        dossier_key, step_no, status_key, status_at, status_date_key, room_name, officer_code,
        source_code
    from steps
    where not has_loaded_steps
    -- in the primary key's order: each insert lands beside the one before it instead of at a
    -- random place in the index (the keys are hashes)
    order by dossier_key, step_no
)

insert into dw.fact_dossier_status as f (
    dossier_key, step_no, status_key, status_at, status_date_key, room_name, officer_code,
    source_code
)
select
    dossier_key, step_no, status_key, status_at, status_date_key, room_name, officer_code,
    source_code
from steps
where has_loaded_steps
on conflict (dossier_key, step_no) do update set
    status_key = excluded.status_key,
    status_at = excluded.status_at,
    status_date_key = excluded.status_date_key,
    room_name = excluded.room_name,
    officer_code = excluded.officer_code
where (f.status_key, f.status_at, f.room_name, f.officer_code)
    is distinct from (
        excluded.status_key, excluded.status_at, excluded.room_name, excluded.officer_code
    )
