-- Load one batch of the procedure catalogue into dw.dim_procedure (SCD type 2).
-- Grain: one row per procedure version (source_code, procedure_code, valid_from = the snapshot's
-- NgayCapNhat). Parameters: batch_id, source_code (the batch's source).
-- Same rules as dim_unit.sql: versions keyed by NgayCapNhat, so load order does not matter; an
-- existing (procedure, NgayCapNhat) is rewritten only by different content with a greater hash
-- (a correction that kept its NgayCapNhat); each version is valid until the next.
-- with ... merge is valid Postgres but not in sqlfluff's grammar
with  -- noqa: PRS

loadable_procedures as (
    select *
    from staging.thu_tuc_loadable
    where batch_id = %(batch_id)s
),

existing_versions as (
    select procedure_code, valid_from, row_hash
    from dw.dim_procedure
    where source_code = %(source_code)s
        and procedure_code in (select procedure_code from loadable_procedures)
),

snapshots as (
    select
        procedure_code,
        source_updated_at as valid_from,
        procedure_name,
        field_code,
        field_name,
        procedure_level,
        online_level,
        has_fees,
        legal_duration_days,
        coalesce(handling_unit_codes, '{}') as handling_unit_codes,
        -- absent at the source means false
        coalesce(is_full_process_eligible, false) as is_full_process_eligible,
        coalesce(has_online_payment, false) as has_online_payment,
        md5(jsonb_build_array(
            procedure_name, field_code, field_name, procedure_level, online_level, has_fees,
            legal_duration_days, handling_unit_codes, coalesce(is_full_process_eligible, false),
            coalesce(has_online_payment, false)
        )::text) as row_hash
    from loadable_procedures
),

-- two different records with one (procedure, NgayCapNhat) in a batch: keep a content-defined one
incoming_versions as (
    select distinct on (procedure_code, valid_from) *
    from snapshots
    order by procedure_code, valid_from, row_hash desc
),

new_versions as (
    select i.*
    from incoming_versions as i
    where not exists (
        select from existing_versions as e
        where e.procedure_code = i.procedure_code and e.valid_from = i.valid_from
            and e.row_hash >= i.row_hash
    )
),

all_versions as (
    select e.procedure_code, e.valid_from, false as is_new
    from existing_versions as e
    where not exists (
        select from new_versions as n
        where n.procedure_code = e.procedure_code and n.valid_from = e.valid_from
    )
    union all
    select procedure_code, valid_from, true as is_new
    from new_versions
),

validity as (
    select
        procedure_code,
        valid_from,
        is_new,
        coalesce(
            lead(valid_from) over (partition by procedure_code order by valid_from),
            '9999-12-31 00:00:00+07'
        ) as valid_to
    from all_versions
),

final as (
    select
        dw.source_version_key(%(source_code)s, v.procedure_code, v.valid_from) as procedure_key,
        dw.source_key(%(source_code)s, v.procedure_code) as procedure_durable_key,
        v.procedure_code,
        n.procedure_name,
        n.field_code,
        n.field_name,
        n.procedure_level,
        n.online_level,
        n.has_fees,
        n.legal_duration_days,
        n.handling_unit_codes,
        n.is_full_process_eligible,
        n.has_online_payment,
        v.valid_from,
        v.valid_to,
        n.row_hash
    from validity as v
    left join new_versions as n
        on v.is_new and v.procedure_code = n.procedure_code and v.valid_from = n.valid_from
)

merge into dw.dim_procedure as d
using final as f
    on d.source_code = %(source_code)s and d.procedure_code = f.procedure_code
        and d.valid_from = f.valid_from
when matched and f.row_hash is not null and d.row_hash <> f.row_hash then
    update set
        procedure_name = f.procedure_name,
        field_code = f.field_code,
        field_name = f.field_name,
        procedure_level = f.procedure_level,
        online_level = f.online_level,
        has_fees = f.has_fees,
        legal_duration_days = f.legal_duration_days,
        handling_unit_codes = f.handling_unit_codes,
        is_full_process_eligible = f.is_full_process_eligible,
        has_online_payment = f.has_online_payment,
        row_hash = f.row_hash,
        valid_to = f.valid_to
when matched and d.valid_to <> f.valid_to then
    update set valid_to = f.valid_to
when not matched then
    insert (
        procedure_key, procedure_durable_key, source_code, procedure_code, procedure_name, field_code,
        field_name, procedure_level, online_level, has_fees, legal_duration_days,
        handling_unit_codes, is_full_process_eligible, has_online_payment, valid_from, valid_to,
        row_hash
    )
    values (
        f.procedure_key, f.procedure_durable_key, %(source_code)s, f.procedure_code, f.procedure_name,
        f.field_code, f.field_name, f.procedure_level, f.online_level, f.has_fees,
        f.legal_duration_days, f.handling_unit_codes, f.is_full_process_eligible,
        f.has_online_payment, f.valid_from, f.valid_to, f.row_hash
    )
