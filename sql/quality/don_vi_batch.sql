-- The rows the don_vi suite (expectations/don_vi.json) validates: every staged unit of one
-- batch with check columns derived from the batch itself and dw (see ho_so_batch.sql for the
-- idea). A check column is NULL when there is nothing to report. No percent sign besides the
-- batch placeholder: GX doubles it.
-- Grain: one row per staged record (batch_id, record_no) of batch %(batch_id)s.
with recursive

-- dw's units are the batch's own source's
batch_source as (
    select source_code
    from meta.load_batch
    where batch_id = %(batch_id)s
),

units as (
    select *
    from staging.don_vi
    where batch_id = %(batch_id)s
),

-- a record no strict parser accepted landed as a stand-in with its reason (extract/parsing.py);
-- only those are read out of raw: its records are the batch's widest rows
unparseable_records as (
    select record_no, record -> '_unparseable' ->> 'reason' as unparseable_reason
    from raw.don_vi
    where batch_id = %(batch_id)s and record -> '_unparseable' ->> 'reason' is not null
),

-- one code at one NgayCapNhat with different content: the source contradicts itself
conflicting_versions as (
    select unit_code, source_updated_at, count(*) as n_versions
    from staging.don_vi
    where batch_id = %(batch_id)s and unit_code is not null and source_updated_at is not null
    group by unit_code, source_updated_at
    having count(*) > 1
),

-- a parent is known when this very catalogue lists it or dw already has it (a record without a
-- code names no unit: with a NULL here, `in` would be NULL for every unknown parent, a pass)
known_unit_codes as (
    select unit_code from staging.don_vi where batch_id = %(batch_id)s and unit_code is not null
    union
    select unit_code from dw.dim_unit
    where source_code = (select batch_source.source_code from batch_source)
),

-- the unit tree and the successors as this catalogue makes them: each unit's parent and
-- successor in this batch (its newest record), else in dw's current version
tree as (
    select distinct on (unit_code) unit_code, parent_unit_code, successor_unit_code
    from staging.don_vi
    where batch_id = %(batch_id)s and unit_code is not null
    order by unit_code, source_updated_at desc nulls last, record_no desc
),

known_tree as (
    select unit_code, parent_unit_code, successor_unit_code
    from tree
    union all
    select distinct on (dim.unit_code) dim.unit_code, dim.parent_unit_code, dim.successor_unit_code
    from dw.dim_unit as dim
    where dim.is_current
        and dim.source_code = (select batch_source.source_code from batch_source)
        and dim.unit_code not in (select tree.unit_code from tree)
),

-- every unit of the batch walks up its parents, one step per iteration, and stops at the root
-- (no parent), at a unit already on its path (a cycle) or at a parent nobody knows
parent_chains (unit_code, at_code, parent_code, path) as (
    select unit_code, unit_code as at_code, parent_unit_code, array[unit_code]
    from tree
    union all
    select
        chain.unit_code, parent.unit_code as at_code, parent.parent_unit_code,
        chain.path || parent.unit_code
    from parent_chains as chain
    inner join known_tree as parent on parent.unit_code = chain.parent_code
    where parent.unit_code <> all(chain.path)
),

-- the successor chains (MaDonViKeThua) the same way: one that comes back to a unit already on
-- it never reaches a unit in force, so the dossiers of every unit on it would lose their place
successor_chains (unit_code, successor_code, path) as (
    select unit_code, successor_unit_code, array[unit_code]
    from tree
    where successor_unit_code is not null
    union all
    select chain.unit_code, next.successor_unit_code, chain.path || next.unit_code
    from successor_chains as chain
    inner join known_tree as next on next.unit_code = chain.successor_code
    where next.unit_code <> all(chain.path) and next.successor_unit_code is not null
),

chain_ends as (
    select
        chain.unit_code,
        chain.path,
        chain.parent_code,
        chain.parent_code = any(chain.path) as is_cycle
    from parent_chains as chain
    where chain.parent_code is not null
        and (
            chain.parent_code = any(chain.path)
            or chain.parent_code not in (select known.unit_code from known_tree as known)
        )
)

select
    units.*,
    (
        select array_to_string(chain_ends.path || chain_ends.parent_code, ' → ')
        from chain_ends
        where chain_ends.unit_code = units.unit_code and chain_ends.is_cycle
    ) as parent_cycle,
    (
        select array_to_string(chain_ends.path || chain_ends.parent_code, ' → ')
        from chain_ends
        where chain_ends.unit_code = units.unit_code and not chain_ends.is_cycle
            and cardinality(chain_ends.path) > 1
    ) as unknown_ancestor,
    (
        select array_to_string(chain.path || chain.successor_code, ' → ')
        from successor_chains as chain
        where chain.unit_code = units.unit_code and chain.successor_code = any(chain.path)
        -- a unit's successor chain is one path: it closes once
        limit 1  -- noqa: AM09
    ) as successor_cycle,
    nullif(array_remove(array[
        case when units.effective_from is null and btrim(units.effective_from_raw) <> ''
            then 'NgayHieuLuc' end,
        case when units.effective_to is null and btrim(units.effective_to_raw) <> ''
            then 'NgayHetHieuLuc' end
    ], null), '{}') as unparseable_validity_fields,
    units.effective_to > units.effective_from as is_validity_ordered,
    units.successor_unit_code in (select known.unit_code from known_unit_codes as known)
        as is_successor_known,
    unparseable_records.unparseable_reason,
    conflicting_versions.n_versions as conflicting_versions,
    units.parent_unit_code in (select known.unit_code from known_unit_codes as known)
        as is_parent_known
from units
left join unparseable_records on unparseable_records.record_no = units.record_no
left join conflicting_versions
    on conflicting_versions.unit_code = units.unit_code
    and conflicting_versions.source_updated_at = units.source_updated_at
