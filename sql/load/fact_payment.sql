-- Load one batch of payment transactions into dw.fact_payment.
-- Grain: one row per payment transaction (MaThamChieu), its newest known state.
-- Newest NgayCapNhat wins, then the greater content hash; the same version again writes
-- nothing. The dossier key is the hash of MaHoSo, the same key fact_dossier gives that dossier
-- whenever it arrives (-1 only without a code);
-- whether a payment may point at an unknown dossier is the quality gate's decision.
with

loadable_payments as (
    select *
    from staging.giao_dich_loadable
    where batch_id = %(batch_id)s
),

-- what a version of a payment says, as one hash: two versions with the same NgayCapNhat (a
-- correction that kept its time, or a source defect inside one batch) are settled by the greater
-- hash, here and against dw. Times go in as epochs, independent of the session's time zone.
hashed_records as (
    select
        p.*,
        md5(jsonb_build_array(
            p.transaction_code, p.dossier_code, p.unit_code, p.procedure_code, p.amount,
            p.service_fee_amount, p.levy_amount, p.payment_method, p.payment_channel_code,
            p.bank_code, p.payment_status, p.error_code, extract(epoch from p.initiated_at),
            extract(epoch from p.succeeded_at), extract(epoch from p.refunded_at)
        )::text) as content_hash
    from loadable_payments as p
),

newest_records as (
    select distinct on (payment_ref) *
    from hashed_records
    order by payment_ref, source_updated_at desc, content_hash desc
),

payments as (
    select
        dw.source_key(%(source_code)s, payment_ref) as payment_key,
        %(source_code)s::text as source_code,
        payment_ref,
        transaction_code,
        coalesce(dw.source_key(%(source_code)s, dossier_code), -1) as dossier_key,
        dossier_code,
        coalesce(dw.source_key(%(source_code)s, unit_code), -1) as unit_durable_key,
        coalesce(dw.source_key(%(source_code)s, procedure_code), -1) as procedure_durable_key,
        amount,
        service_fee_amount,
        levy_amount,
        payment_method,
        payment_channel_code,
        bank_code,
        payment_status,
        error_code,
        initiated_at,
        succeeded_at,
        refunded_at,
        dw.date_key(initiated_at) as initiated_date_key,
        dw.date_key(succeeded_at) as succeeded_date_key,
        dw.date_key(refunded_at) as refunded_date_key,
        source_updated_at,
        content_hash
    from newest_records
)

insert into dw.fact_payment as f (
    payment_key, source_code, payment_ref, transaction_code, dossier_key, dossier_code,
    unit_durable_key, procedure_durable_key, amount, service_fee_amount, levy_amount,
    payment_method, payment_channel_code, bank_code, payment_status, error_code, initiated_at,
    succeeded_at, refunded_at, initiated_date_key, succeeded_date_key, refunded_date_key,
    source_updated_at, content_hash
)
select
    payment_key, source_code, payment_ref, transaction_code, dossier_key, dossier_code,
    unit_durable_key, procedure_durable_key, amount, service_fee_amount, levy_amount,
    payment_method, payment_channel_code, bank_code, payment_status, error_code, initiated_at,
    succeeded_at, refunded_at, initiated_date_key, succeeded_date_key, refunded_date_key,
    source_updated_at, content_hash
from payments
on conflict (source_code, payment_ref) do update set
    transaction_code = excluded.transaction_code,
    dossier_key = excluded.dossier_key,
    dossier_code = excluded.dossier_code,
    unit_durable_key = excluded.unit_durable_key,
    procedure_durable_key = excluded.procedure_durable_key,
    amount = excluded.amount,
    service_fee_amount = excluded.service_fee_amount,
    levy_amount = excluded.levy_amount,
    payment_method = excluded.payment_method,
    payment_channel_code = excluded.payment_channel_code,
    bank_code = excluded.bank_code,
    payment_status = excluded.payment_status,
    error_code = excluded.error_code,
    initiated_at = excluded.initiated_at,
    succeeded_at = excluded.succeeded_at,
    refunded_at = excluded.refunded_at,
    initiated_date_key = excluded.initiated_date_key,
    succeeded_date_key = excluded.succeeded_date_key,
    refunded_date_key = excluded.refunded_date_key,
    source_updated_at = excluded.source_updated_at,
    content_hash = excluded.content_hash
where excluded.source_updated_at > f.source_updated_at
    or (excluded.source_updated_at = f.source_updated_at
        and excluded.content_hash > coalesce(f.content_hash, ''))
