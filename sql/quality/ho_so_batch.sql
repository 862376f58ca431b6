-- The rows the ho_so suite (expectations/ho_so.json) validates: every staged dossier of one
-- batch with check columns derived from the batch itself, its status steps, supplement rounds,
-- fee lines and apology letters, and dw. GX materialises this once per run, so each rule is a
-- plain column expectation over one table and GX names the failing rows itself. A check column
-- is NULL when there is nothing to report. No percent sign besides the batch placeholder: GX
-- doubles it.
-- Grain: one row per staged record (batch_id, record_no) of batch %(batch_id)s.
with

-- dw's references are the batch's own source's
batch_source as (
    select source_code
    from meta.load_batch
    where batch_id = %(batch_id)s
),

dossiers as (
    select *
    from staging.ho_so
    where batch_id = %(batch_id)s
),

-- one key at one NgayCapNhat with different content: the source contradicts itself
conflicting_versions as (
    select dossier_code, source_updated_at, count(*) as n_versions
    from staging.ho_so
    where batch_id = %(batch_id)s and dossier_code is not null and source_updated_at is not null
    group by dossier_code, source_updated_at
    having count(*) > 1
),

status_steps as (
    select
        record_no,
        ordinal,
        status_code is null or status_code not between 1 and 10 or processed_at is null
            as is_invalid,
        processed_at < lag(processed_at) over (partition by record_no order by ordinal)
            as is_earlier_than_previous
    from staging.ho_so_tien_do
    where batch_id = %(batch_id)s
),

status_step_problems as (
    select
        record_no,
        array_agg(ordinal order by ordinal) filter (where is_invalid) as invalid_steps,
        array_agg(ordinal order by ordinal) filter (where is_earlier_than_previous)
            as steps_out_of_order
    from status_steps
    where is_invalid or is_earlier_than_previous
    group by record_no
),

supplement_problems as (
    select record_no, array_agg(ordinal order by ordinal) as unparseable_rounds
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s
        and (
            (requested_at is null and btrim(requested_raw) <> '')
            or (received_at is null and btrim(received_raw) <> '')
            or (previous_due_at is null and btrim(previous_due_raw) <> '')
            or (new_due_at is null and btrim(new_due_raw) <> '')
        )
    group by record_no
),

-- a whole number the warehouse's bigint cannot hold is out of range, not "not an integer"
fee_problems as (
    select
        record_no,
        array_agg(amount order by ordinal) filter (where amount < 0) as negative_amounts,
        array_agg(amount_raw order by ordinal)
            filter (where amount is null and btrim(amount_raw) !~ '^[+-]?[0-9]+$')
            as non_integer_amounts,
        array_agg(amount_raw order by ordinal)
            filter (where amount is null and btrim(amount_raw) ~ '^[+-]?[0-9]+$')
            as out_of_range_amounts
    from staging.ho_so_le_phi
    where batch_id = %(batch_id)s
        and (amount < 0 or (amount is null and btrim(amount_raw) <> ''))
    group by record_no
),

-- per dossier: its fee lines' total (numeric: a bigint sum would overflow) and longest texts
fee_summary as (
    select
        record_no,
        sum(amount::numeric) as fee_total,
        max(length(fee_name)) as longest_fee_name,
        max(length(fee_code)) as longest_fee_code
    from staging.ho_so_le_phi
    where batch_id = %(batch_id)s
    group by record_no
),

-- per dossier: the last step's status, the steps' longest texts and their years
step_summary as (
    select
        record_no,
        (array_agg(status_code order by ordinal desc))[1] as last_step_status,
        max(length(room_name)) as longest_room_name,
        max(length(officer_code)) as longest_officer_code,
        min(processed_at) as earliest_at,
        max(processed_at) as latest_at
    from staging.ho_so_tien_do
    where batch_id = %(batch_id)s
    group by record_no
),

supplement_extent as (
    select
        record_no,
        least(min(requested_at), min(received_at), min(previous_due_at), min(new_due_at))
            as earliest_at,
        greatest(max(requested_at), max(received_at), max(previous_due_at), max(new_due_at))
            as latest_at
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s
    group by record_no
),

-- per dossier: its apology letters' problems, longest reason, count and extent. A letter
-- without a readable NgayXinLoi cannot say whether it came in time: unparseable too.
letter_summary as (
    select
        record_no,
        array_agg(ordinal order by ordinal) filter (
            where apologised_at is null
            or (new_due_at is null and btrim(new_due_raw) <> '')
        ) as unparseable_letters,
        array_agg(ordinal order by ordinal) filter (where new_due_at < apologised_at)
            as new_due_before_letter,
        max(length(reason)) as longest_reason,
        count(*) as letter_count,
        least(min(apologised_at), min(new_due_at)) as earliest_at,
        greatest(max(apologised_at), max(new_due_at)) as latest_at
    from staging.ho_so_xin_loi
    where batch_id = %(batch_id)s
    group by record_no
),

-- What only the records as received can tell, in one pass over the batch's raw records (its
-- widest rows: only the records with something to report are kept, so that a batch of a
-- million is not hashed whole):
-- - a record no strict parser accepted landed as a stand-in with its reason (extract/parsing.py);
-- - TienDo absent, null or []: a dossier with no history vanishes from every report (only a
--   dossier submitted and not yet received, status 1, has no step yet);
-- - a list field that arrives as another type than an array, e.g. after a change at the source.
--   Staging reads anything but an array as an empty list, so the dossier would silently lose
--   its history, supplement rounds or fees.
raw_findings as (
    select record_no, unparseable_reason, status_history_shape, malformed_raw_lists
    from (
        select
            record_no,
            record -> '_unparseable' ->> 'reason' as unparseable_reason,
            case
                when coalesce(jsonb_typeof(record -> 'TienDo'), 'null') = 'null' then 'null'
                when jsonb_typeof(record -> 'TienDo') = 'array'
                    and jsonb_array_length(record -> 'TienDo') = 0 then '[]'
            end as status_history_shape,
            array_remove(array[
                case when jsonb_typeof(record -> 'TienDo') not in ('array', 'null')
                    then 'TienDo' end,
                case when jsonb_typeof(record -> 'DanhSachHoSoBoSung') not in ('array', 'null')
                    then 'DanhSachHoSoBoSung' end,
                case when jsonb_typeof(record -> 'DanhSachLePhi') not in ('array', 'null')
                    then 'DanhSachLePhi' end,
                case when jsonb_typeof(record -> 'DanhSachXinLoi') not in ('array', 'null')
                    then 'DanhSachXinLoi' end
            ], null) as malformed_raw_lists
        from raw.ho_so
        where batch_id = %(batch_id)s
    ) as findings
    where unparseable_reason is not null
        or status_history_shape is not null
        or malformed_raw_lists <> '{}'
),

-- the malformed lists: as received (above), and elements that are not objects, which staging
-- reads as a round or fee line of NULLs (a step of NULLs is an invalid status step already)
list_problems as (
    select record_no, array_agg(list_name order by list_name) as malformed_lists
    from (
        select record_no, unnest(malformed_raw_lists) as list_name
        from raw_findings
        union
        select record_no, 'DanhSachHoSoBoSung' as list_name
        from staging.ho_so_bo_sung
        where batch_id = %(batch_id)s
            and requested_raw is null and received_raw is null
            and previous_due_raw is null and new_due_raw is null
        union
        select record_no, 'DanhSachLePhi' as list_name
        from staging.ho_so_le_phi
        where batch_id = %(batch_id)s
            and fee_code is null and fee_name_raw is null and fee_type_raw is null
            and amount_raw is null
        union
        select record_no, 'DanhSachXinLoi' as list_name
        from staging.ho_so_xin_loi
        where batch_id = %(batch_id)s
            and apologised_raw is null and new_due_raw is null and reason_raw is null
    ) as problems
    group by record_no
)

select
    dossiers.*,
    raw_findings.unparseable_reason,
    conflicting_versions.n_versions as conflicting_versions,
    dossiers.unit_code in (
        select dim_unit.unit_code from dw.dim_unit
        where dim_unit.source_code = (select batch_source.source_code from batch_source)
    ) as is_unit_known,
    dossiers.procedure_code in (
        select dim_procedure.procedure_code from dw.dim_procedure
        where dim_procedure.source_code = (select batch_source.source_code from batch_source)
    ) as is_procedure_known,
    nullif(array_remove(array[
        case when dossiers.submitted_at is null and btrim(dossiers.submitted_raw) <> ''
            then 'NgayNopHoSo' end,
        case when dossiers.received_at is null and btrim(dossiers.received_raw) <> ''
            then 'NgayTiepNhan' end,
        case when dossiers.due_at is null and btrim(dossiers.due_raw) <> ''
            then 'NgayHenTra' end,
        case when dossiers.finished_at is null and btrim(dossiers.finished_raw) <> ''
            then 'NgayKetThucXuLy' end,
        case when dossiers.returned_at is null and btrim(dossiers.returned_raw) <> ''
            then 'NgayTra' end
    ], null), '{}') as unparseable_date_fields,
    -- the 0/1 flags: absent (null, "") means 0, anything but 0 or 1 is bad
    nullif(array_remove(array[
        case when btrim(dossiers.has_electronic_result_raw) not in ('', '0', '1')
            then 'CoKetQuaDienTu' end,
        case when btrim(dossiers.is_vneid_verified_raw) not in ('', '0', '1')
            then 'TaiKhoanDuocXacThucVoiVNeID' end
    ], null), '{}') as invalid_flag_fields,
    letter_summary.unparseable_letters as unparseable_apology_letters,
    letter_summary.new_due_before_letter as apology_new_due_before_letter,
    letter_summary.longest_reason as longest_apology_reason,
    letter_summary.letter_count as apology_letter_count,
    status_step_problems.invalid_steps as invalid_status_steps,
    status_step_problems.steps_out_of_order as status_steps_out_of_order,
    supplement_problems.unparseable_rounds as unparseable_supplement_rounds,
    fee_problems.negative_amounts as negative_fee_amounts,
    fee_problems.non_integer_amounts as non_integer_fee_amounts,
    fee_problems.out_of_range_amounts as out_of_range_fee_amounts,
    fee_summary.fee_total,
    fee_summary.longest_fee_name,
    fee_summary.longest_fee_code,
    step_summary.longest_room_name,
    step_summary.longest_officer_code,
    case when (dossiers.status_code is distinct from 1) then raw_findings.status_history_shape end
        as empty_status_history,
    -- both valid statuses (an unknown one has its own rule), and not the same
    case when step_summary.last_step_status <> dossiers.status_code
        and step_summary.last_step_status between 1 and 10 and dossiers.status_code between 1 and 10
        then step_summary.last_step_status end as contradicting_last_step_status,
    extract(year from least(
        dossiers.submitted_at, dossiers.received_at, dossiers.due_at, dossiers.finished_at,
        dossiers.returned_at, dossiers.source_updated_at, step_summary.earliest_at,
        supplement_extent.earliest_at, letter_summary.earliest_at
    ) at time zone 'Asia/Ho_Chi_Minh')::integer as earliest_year,
    extract(year from greatest(
        dossiers.submitted_at, dossiers.received_at, dossiers.due_at, dossiers.finished_at,
        dossiers.returned_at, dossiers.source_updated_at, step_summary.latest_at,
        supplement_extent.latest_at, letter_summary.latest_at
    ) at time zone 'Asia/Ho_Chi_Minh')::integer as latest_year,
    list_problems.malformed_lists
from dossiers
left join raw_findings on raw_findings.record_no = dossiers.record_no
left join conflicting_versions
    on conflicting_versions.dossier_code = dossiers.dossier_code
    and conflicting_versions.source_updated_at = dossiers.source_updated_at
left join status_step_problems on status_step_problems.record_no = dossiers.record_no
left join supplement_problems on supplement_problems.record_no = dossiers.record_no
left join fee_problems on fee_problems.record_no = dossiers.record_no
left join list_problems on list_problems.record_no = dossiers.record_no
left join fee_summary on fee_summary.record_no = dossiers.record_no
left join step_summary on step_summary.record_no = dossiers.record_no
left join supplement_extent on supplement_extent.record_no = dossiers.record_no
left join letter_summary on letter_summary.record_no = dossiers.record_no
