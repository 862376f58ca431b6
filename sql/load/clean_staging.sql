-- Staging holds only what is still in flight: remove every staged row of the given batches
-- except the records of a loaded batch that are parked for a reference (a later load releases
-- them from here). Clear-text personal fields leave staging with them.
with

kept as (
    select entity, batch_id, record_no
    from meta.parked_record
    where batch_id = any(%(batch_ids)s)
),

deleted_units as (
    delete from staging.don_vi as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'don_vi'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_procedures as (
    delete from staging.thu_tuc as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'thu_tuc'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_status_steps as (
    delete from staging.ho_so_tien_do as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'ho_so'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_supplement_rounds as (
    delete from staging.ho_so_bo_sung as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'ho_so'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_fee_lines as (
    delete from staging.ho_so_le_phi as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'ho_so'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_apology_letters as (
    delete from staging.ho_so_xin_loi as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'ho_so'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
),

deleted_dossiers as (
    delete from staging.ho_so as s
    where s.batch_id = any(%(batch_ids)s)
        and not exists (select from kept as k where k.entity = 'ho_so'
                        and k.batch_id = s.batch_id and k.record_no = s.record_no)
)

delete from staging.giao_dich as s
where s.batch_id = any(%(batch_ids)s)
    and not exists (select from kept as k where k.entity = 'giao_dich'
                    and k.batch_id = s.batch_id and k.record_no = s.record_no)
