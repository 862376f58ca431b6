-- The rows the giao_dich suite (expectations/giao_dich.json) validates: every staged payment
-- of one batch with check columns derived from the batch itself and dw (see ho_so_batch.sql
-- for the idea). A check column is NULL when there is nothing to report. No percent sign
-- besides the batch placeholder: GX doubles it.
-- Grain: one row per staged record (batch_id, record_no) of batch %(batch_id)s.
with

-- dw's references are the batch's own source's
batch_source as (
    select source_code
    from meta.load_batch
    where batch_id = %(batch_id)s
),

payments as (
    select *
    from staging.giao_dich
    where batch_id = %(batch_id)s
),

-- a record no strict parser accepted landed as a stand-in with its reason (extract/parsing.py);
-- only those are read out of raw: its records are the batch's widest rows
unparseable_records as (
    select record_no, record -> '_unparseable' ->> 'reason' as unparseable_reason
    from raw.giao_dich
    where batch_id = %(batch_id)s and record -> '_unparseable' ->> 'reason' is not null
),

-- one reference at one NgayCapNhat with different content: the source contradicts itself
conflicting_versions as (
    select payment_ref, source_updated_at, count(*) as n_versions
    from staging.giao_dich
    where batch_id = %(batch_id)s and payment_ref is not null and source_updated_at is not null
    group by payment_ref, source_updated_at
    having count(*) > 1
)

select
    payments.*,
    unparseable_records.unparseable_reason,
    conflicting_versions.n_versions as conflicting_versions,
    -- one probe of the (source_code, dossier_code) key per payment: as `dossier_code in (all
    -- the source's dossiers)` it hashed the whole fact table, 94 s for 55,000 payments over
    -- 10M dossiers (bench/RESULTS.md, P7); NULL without a code, as the IN was
    case when payments.dossier_code is not null then exists (
        select from dw.fact_dossier
        where fact_dossier.source_code = (select batch_source.source_code from batch_source)
            and fact_dossier.dossier_code = payments.dossier_code
    ) end as is_dossier_known,
    nullif(array_remove(array[
        case when payments.amount is null and btrim(payments.amount_raw) <> ''
            and btrim(payments.amount_raw) !~ '^[+-]?[0-9]+$' then 'SoTien' end,
        case when payments.service_fee_amount is null and btrim(payments.service_fee_raw) <> ''
            and btrim(payments.service_fee_raw) !~ '^[+-]?[0-9]+$' then 'Phi' end,
        case when payments.levy_amount is null and btrim(payments.levy_raw) <> ''
            and btrim(payments.levy_raw) !~ '^[+-]?[0-9]+$' then 'LePhi' end
    ], null), '{}') as non_integer_amount_fields,
    -- whole numbers the warehouse's bigint cannot hold
    nullif(array_remove(array[
        case when payments.amount is null and btrim(payments.amount_raw) ~ '^[+-]?[0-9]+$'
            then 'SoTien' end,
        case when payments.service_fee_amount is null
            and btrim(payments.service_fee_raw) ~ '^[+-]?[0-9]+$' then 'Phi' end,
        case when payments.levy_amount is null and btrim(payments.levy_raw) ~ '^[+-]?[0-9]+$'
            then 'LePhi' end
    ], null), '{}') as out_of_range_amount_fields,
    extract(year from least(
        payments.initiated_at, payments.succeeded_at, payments.refunded_at,
        payments.source_updated_at
    ) at time zone 'Asia/Ho_Chi_Minh')::integer as earliest_year,
    extract(year from greatest(
        payments.initiated_at, payments.succeeded_at, payments.refunded_at,
        payments.source_updated_at
    ) at time zone 'Asia/Ho_Chi_Minh')::integer as latest_year,
    nullif(array_remove(array[
        case when payments.initiated_at is null and btrim(payments.initiated_raw) <> ''
            then 'ThoiGianGD' end,
        case when payments.succeeded_at is null and btrim(payments.succeeded_raw) <> ''
            then 'ThoiGianGDThanhCong' end,
        case when payments.refunded_at is null and btrim(payments.refunded_raw) <> ''
            then 'ThoiGianHoanPhi' end
    ], null), '{}') as unparseable_date_fields
from payments
left join unparseable_records on unparseable_records.record_no = payments.record_no
left join conflicting_versions
    on conflicting_versions.payment_ref = payments.payment_ref
    and conflicting_versions.source_updated_at = payments.source_updated_at
