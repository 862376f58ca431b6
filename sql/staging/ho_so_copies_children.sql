-- Remove the child rows staged for identical copies of a record (a paging quirk).
-- The child collections are staged for every landed record while staging/ho_so.sql collapses
-- identical copies into the lowest record_no; the children of the copies it dropped go here,
-- so that every staged child belongs to a staged dossier.
with

staged_dossiers as (
    select record_no
    from staging.ho_so
    where batch_id = %(batch_id)s
),

deleted_status_steps as (
    delete from staging.ho_so_tien_do as t
    where t.batch_id = %(batch_id)s
        and not exists (select from staged_dossiers as d where d.record_no = t.record_no)
),

deleted_supplement_rounds as (
    delete from staging.ho_so_bo_sung as t
    where t.batch_id = %(batch_id)s
        and not exists (select from staged_dossiers as d where d.record_no = t.record_no)
),

deleted_apology_letters as (
    delete from staging.ho_so_xin_loi as t
    where t.batch_id = %(batch_id)s
        and not exists (select from staged_dossiers as d where d.record_no = t.record_no)
)

delete from staging.ho_so_le_phi as t
where t.batch_id = %(batch_id)s
    and not exists (select from staged_dossiers as d where d.record_no = t.record_no)
