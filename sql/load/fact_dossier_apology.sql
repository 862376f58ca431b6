-- Replace the apology letters of the dossiers that fact_dossier.sql just wrote.
-- Grain: one row per apology letter (DanhSachXinLoi element) of a dossier's newest version.
-- Letters beyond the new version's count are deleted and the others upserted (disjoint keys),
-- as fact_dossier_supplement.sql does for supplement rounds. A letter without a readable
-- NgayXinLoi never gets here: the gate quarantines its dossier (ho_so.unparseable_apology_date).
with

written_dossiers as (
    select dossier_key, record_no
    from written_dossier
),

staged_letters as (
    select record_no, ordinal, apologised_at, new_due_at, reason
    from staging.ho_so_xin_loi
    where batch_id = %(batch_id)s
),

letters as (
    select
        w.dossier_key,
        l.ordinal as letter_no,
        l.apologised_at,
        l.new_due_at,
        l.reason,
        %(source_code)s::text as source_code
    from written_dossiers as w
    inner join staged_letters as l on w.record_no = l.record_no
),

letter_counts as (
    select w.dossier_key, count(l.letter_no) as n_letters
    from written_dossiers as w
    left join letters as l on w.dossier_key = l.dossier_key
    group by w.dossier_key
),

removed_letters as (
    delete from dw.fact_dossier_apology as f
    using letter_counts as c
    where f.dossier_key = c.dossier_key and f.letter_no > c.n_letters
)

insert into dw.fact_dossier_apology as f (
    dossier_key, letter_no, apologised_at, new_due_at, reason, source_code
)
select dossier_key, letter_no, apologised_at, new_due_at, reason, source_code
from letters
on conflict (dossier_key, letter_no) do update set
    apologised_at = excluded.apologised_at,
    new_due_at = excluded.new_due_at,
    reason = excluded.reason
where (f.apologised_at, f.new_due_at, f.reason)
    is distinct from (excluded.apologised_at, excluded.new_due_at, excluded.reason)
