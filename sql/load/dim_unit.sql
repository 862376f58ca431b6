-- Load one batch of the unit catalogue into dw.dim_unit (SCD type 2).
-- Grain: one row per unit version (source_code, unit_code, valid_from), valid_from = the
-- snapshot's NgayCapNhat. Parameters: batch_id, source_code (the batch's source).
-- Versions are keyed by the source's update time, not by load order, so the same snapshots in any
-- order give the same rows: a snapshot adds a version unless that (unit, NgayCapNhat) exists
-- already; on such a tie with different content (a correction that kept its NgayCapNhat) the
-- greater content hash wins, whichever arrives first; and each version of the touched units is
-- valid until the next one's valid_from. The exclusion constraint on the
-- current row is checked at commit, so closing and opening versions in one MERGE is safe.
-- with ... merge is valid Postgres but not in sqlfluff's grammar
with  -- noqa: PRS

loadable_units as (
    select *
    from staging.don_vi_loadable
    where batch_id = %(batch_id)s
),

existing_versions as (
    select unit_code, valid_from, row_hash
    from dw.dim_unit
    where source_code = %(source_code)s
        and unit_code in (select unit_code from loadable_units)
),

snapshots as (
    select
        unit_code,
        source_updated_at as valid_from,
        unit_name,
        unit_level,
        parent_unit_code,
        area_code,
        is_active,
        effective_from,
        effective_to,
        successor_unit_code,
        -- a record without the history fields hashes as it did before they existed (V013)
        md5(case
            when effective_from is null and effective_to is null and successor_unit_code is null
                then jsonb_build_array(
                    unit_name, unit_level, parent_unit_code, area_code, is_active)
            else jsonb_build_array(
                unit_name, unit_level, parent_unit_code, area_code, is_active,
                extract(epoch from effective_from), extract(epoch from effective_to),
                successor_unit_code)
        end::text) as row_hash
    from loadable_units
),

-- two different records with one (unit, NgayCapNhat) in a batch: keep a content-defined one
incoming_versions as (
    select distinct on (unit_code, valid_from) *
    from snapshots
    order by unit_code, valid_from, row_hash desc
),

new_versions as (
    select i.*
    from incoming_versions as i
    where not exists (
        select from existing_versions as e
        where e.unit_code = i.unit_code and e.valid_from = i.valid_from
            and e.row_hash >= i.row_hash
    )
),

all_versions as (
    select e.unit_code, e.valid_from, false as is_new
    from existing_versions as e
    where not exists (
        select from new_versions as n
        where n.unit_code = e.unit_code and n.valid_from = e.valid_from
    )
    union all
    select unit_code, valid_from, true as is_new
    from new_versions
),

validity as (
    select
        unit_code,
        valid_from,
        is_new,
        coalesce(
            lead(valid_from) over (partition by unit_code order by valid_from),
            '9999-12-31 00:00:00+07'
        ) as valid_to
    from all_versions
),

final as (
    select
        dw.source_version_key(%(source_code)s, v.unit_code, v.valid_from) as unit_key,
        dw.source_key(%(source_code)s, v.unit_code) as unit_durable_key,
        v.unit_code,
        n.unit_name,
        n.unit_level,
        n.parent_unit_code,
        n.area_code,
        n.is_active,
        n.effective_from,
        n.effective_to,
        n.successor_unit_code,
        v.valid_from,
        v.valid_to,
        n.row_hash
    from validity as v
    left join new_versions as n
        on v.is_new and v.unit_code = n.unit_code and v.valid_from = n.valid_from
)

merge into dw.dim_unit as d
using final as f
    on d.source_code = %(source_code)s and d.unit_code = f.unit_code and d.valid_from = f.valid_from
when matched and f.row_hash is not null and d.row_hash <> f.row_hash then
    update set
        unit_name = f.unit_name,
        unit_level = f.unit_level,
        parent_unit_code = f.parent_unit_code,
        area_code = f.area_code,
        is_active = f.is_active,
        effective_from = f.effective_from,
        effective_to = f.effective_to,
        successor_unit_code = f.successor_unit_code,
        row_hash = f.row_hash,
        valid_to = f.valid_to
when matched and d.valid_to <> f.valid_to then
    update set valid_to = f.valid_to
when not matched then
    insert (
        unit_key, unit_durable_key, source_code, unit_code, unit_name, unit_level, parent_unit_code,
        area_code, is_active, effective_from, effective_to, successor_unit_code, valid_from,
        valid_to, row_hash
    )
    values (
        f.unit_key, f.unit_durable_key, %(source_code)s, f.unit_code, f.unit_name, f.unit_level,
        f.parent_unit_code, f.area_code, f.is_active, f.effective_from, f.effective_to,
        f.successor_unit_code, f.valid_from, f.valid_to, f.row_hash
    )
