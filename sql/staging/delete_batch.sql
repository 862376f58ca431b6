-- Remove a batch's staged rows from every staging table, so that staging it again starts clean.
with

deleted_units as (
    delete from staging.don_vi where batch_id = %(batch_id)s
),

deleted_procedures as (
    delete from staging.thu_tuc where batch_id = %(batch_id)s
),

deleted_status_steps as (
    delete from staging.ho_so_tien_do where batch_id = %(batch_id)s
),

deleted_supplement_rounds as (
    delete from staging.ho_so_bo_sung where batch_id = %(batch_id)s
),

deleted_fee_lines as (
    delete from staging.ho_so_le_phi where batch_id = %(batch_id)s
),

deleted_apology_letters as (
    delete from staging.ho_so_xin_loi where batch_id = %(batch_id)s
),

deleted_dossiers as (
    delete from staging.ho_so where batch_id = %(batch_id)s
)

delete from staging.giao_dich where batch_id = %(batch_id)s
