-- Load one batch of dossiers into dw.fact_dossier.
-- Grain: one row per dossier (source_code, MaHoSo), an accumulating snapshot of its newest known
-- state. Parameters: batch_id, source_code (the batch's source).
-- Newest NgayCapNhat wins, then the greater content hash (a correction that kept its
-- NgayCapNhat); the same version again writes nothing, so re-running a batch or loading an older
-- one changes nothing, and any load order ends in the same row. Keys to units and procedures
-- are durable keys (hash of the code), valid whether or not the catalogue has been loaded yet.
-- The applicant's identity number becomes its keyed HMAC and each record's version its content
-- hash, both from staging.ho_so_prepared, which the load fills beforehand (the HMAC computed in
-- Python: the key never reaches the server, its statements or its logs).
-- The dossiers written are recorded in written_dossier for the child-table loads. The scorecard
-- flags (CoKetQuaDienTu, TaiKhoanDuocXacThucVoiVNeID) absent at the source load as false.
with

loadable_dossiers as (
    select *
    from staging.ho_so_loadable
    where batch_id = %(batch_id)s
),

fee_lines as (
    select record_no, fee_type_code, amount
    from staging.ho_so_le_phi
    where batch_id = %(batch_id)s
),

supplement_rounds as (
    select record_no
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s
),

statuses as (
    select status_key, status_code
    from dw.dim_status
),

channels as (
    select channel_key, channel_code
    from dw.dim_channel
),

applicant_types as (
    select applicant_type_key, applicant_type_code
    from dw.dim_applicant_type
),

-- each record's applicant hash and content hash, computed before the transaction
-- (prepare_dossier_rows.sql); the load checked that every loadable record has its row
hashed_records as (
    select d.*, p.applicant_hash, p.content_hash
    from loadable_dossiers as d
    inner join staging.ho_so_prepared as p
        on d.batch_id = p.batch_id and d.record_no = p.record_no
),

-- one record per dossier: the newest, then the greatest content hash
newest_records as (
    select distinct on (dossier_code) *
    from hashed_records
    order by dossier_code, source_updated_at desc, content_hash desc
),

fee_totals as (
    select
        record_no,
        coalesce(sum(amount), 0) as fee_total,
        coalesce(sum(amount) filter (where fee_type_code = 1), 0) as service_fee_total,
        coalesce(sum(amount) filter (where fee_type_code = 2), 0) as levy_total
    from fee_lines
    group by record_no
),

supplement_counts as (
    select record_no, count(*)::integer as supplement_count
    from supplement_rounds
    group by record_no
),

dossiers as (
    select
        dw.source_key(%(source_code)s, d.dossier_code) as dossier_key,
        %(source_code)s::text as source_code,
        d.record_no,
        d.dossier_code,
        coalesce(dw.source_key(%(source_code)s, d.unit_code), -1) as unit_durable_key,
        coalesce(dw.source_key(%(source_code)s, d.procedure_code), -1) as procedure_durable_key,
        coalesce(c.channel_key, -1) as channel_key,
        coalesce(a.applicant_type_key, -1) as applicant_type_key,
        coalesce(s.status_key, -1) as current_status_key,
        d.applicant_hash,
        d.submitted_at,
        d.received_at,
        d.due_at,
        d.finished_at,
        d.returned_at,
        dw.date_key(d.submitted_at) as submitted_date_key,
        dw.date_key(d.received_at) as received_date_key,
        dw.date_key(d.due_at) as due_date_key,
        dw.date_key(d.finished_at) as finished_date_key,
        dw.date_key(d.returned_at) as returned_date_key,
        coalesce(sc.supplement_count, 0) as supplement_count,
        coalesce(f.fee_total, 0) as fee_total,
        coalesce(f.service_fee_total, 0) as service_fee_total,
        coalesce(f.levy_total, 0) as levy_total,
        d.online_payment_code,
        coalesce(d.online_payment_code in (1, 2), false) as is_paid_online,
        d.has_digitised_components,
        -- absent at the source (older records, hand-made scenarios) means 0
        coalesce(d.has_electronic_result, false) as has_electronic_result,
        coalesce(d.is_vneid_verified, false) as is_vneid_verified,
        d.source_updated_at,
        d.content_hash
    from newest_records as d
    left join fee_totals as f on d.record_no = f.record_no
    left join supplement_counts as sc on d.record_no = sc.record_no
    left join statuses as s on d.status_code = s.status_code
    left join channels as c on d.channel_code = c.channel_code
    left join applicant_types as a on d.applicant_type_code = a.applicant_type_code
),

written as (
    insert into dw.fact_dossier as f (
        dossier_key, source_code, dossier_code, unit_durable_key, procedure_durable_key,
        channel_key, applicant_type_key, current_status_key, applicant_hash, submitted_at,
        received_at, due_at, finished_at, returned_at, submitted_date_key, received_date_key,
        due_date_key, finished_date_key, returned_date_key, supplement_count, fee_total,
        service_fee_total, levy_total, online_payment_code, is_paid_online,
        has_digitised_components, has_electronic_result, is_vneid_verified, source_updated_at,
        content_hash
    )
    select
        dossier_key, source_code, dossier_code, unit_durable_key, procedure_durable_key,
        channel_key, applicant_type_key, current_status_key, applicant_hash, submitted_at,
        received_at, due_at, finished_at, returned_at, submitted_date_key, received_date_key,
        due_date_key, finished_date_key, returned_date_key, supplement_count, fee_total,
        service_fee_total, levy_total, online_payment_code, is_paid_online,
        has_digitised_components, has_electronic_result, is_vneid_verified, source_updated_at,
        content_hash
    from dossiers
    on conflict (source_code, dossier_code) do update set
        unit_durable_key = excluded.unit_durable_key,
        procedure_durable_key = excluded.procedure_durable_key,
        channel_key = excluded.channel_key,
        applicant_type_key = excluded.applicant_type_key,
        current_status_key = excluded.current_status_key,
        applicant_hash = excluded.applicant_hash,
        submitted_at = excluded.submitted_at,
        received_at = excluded.received_at,
        due_at = excluded.due_at,
        finished_at = excluded.finished_at,
        returned_at = excluded.returned_at,
        submitted_date_key = excluded.submitted_date_key,
        received_date_key = excluded.received_date_key,
        due_date_key = excluded.due_date_key,
        finished_date_key = excluded.finished_date_key,
        returned_date_key = excluded.returned_date_key,
        supplement_count = excluded.supplement_count,
        fee_total = excluded.fee_total,
        service_fee_total = excluded.service_fee_total,
        levy_total = excluded.levy_total,
        online_payment_code = excluded.online_payment_code,
        is_paid_online = excluded.is_paid_online,
        has_digitised_components = excluded.has_digitised_components,
        has_electronic_result = excluded.has_electronic_result,
        is_vneid_verified = excluded.is_vneid_verified,
        source_updated_at = excluded.source_updated_at,
        content_hash = excluded.content_hash
    where excluded.source_updated_at > f.source_updated_at
        or (excluded.source_updated_at = f.source_updated_at
            and excluded.content_hash > coalesce(f.content_hash, ''))
    returning f.dossier_key
)

insert into written_dossier (dossier_key, record_no)
select d.dossier_key, d.record_no
from written as w
inner join dossiers as d on w.dossier_key = d.dossier_key
