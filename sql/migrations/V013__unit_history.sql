-- V013: units with a history (shared/spec/source-api.md, "Unit history"; domain.md,
-- "Reorganisation"). A unit is in force over [NgayHieuLuc, NgayHetHieuLuc) and names the unit
-- that took over its dossiers (MaDonViKeThua) when it was dissolved or merged. Records without
-- these fields (older sources) keep their meaning: in force since ever, until HieuLuc says no.
--
-- dw.unit_tree_at(C) is the one definition of the unit tree at a cutoff C: the Friday report
-- (sql/report/chi_thi_04_*.sql) and BI (dw.v_unit_tree_current, or the function itself) read it.

-- ---------------------------------------------------------------------------------------------
-- Staging and the star schema carry the three fields
-- ---------------------------------------------------------------------------------------------

alter table staging.don_vi
    add column effective_from timestamptz,      -- NgayHieuLuc
    add column effective_from_raw text,
    add column effective_to timestamptz,        -- NgayHetHieuLuc (exclusive)
    add column effective_to_raw text,
    add column successor_unit_code text;        -- MaDonViKeThua

create or replace view staging.don_vi_loadable as
select s.*
from staging.don_vi as s
where s.unit_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.don_vi as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

alter table dw.dim_unit
    add column effective_from timestamptz,
    add column effective_to timestamptz,
    add column successor_unit_code text;

comment on column dw.dim_unit.effective_from is
    'Đơn vị có hiệu lực từ NgayHieuLuc, NULL nếu nguồn không ghi / the unit is in force from '
    '(NgayHieuLuc); NULL when the source does not say: since ever';
comment on column dw.dim_unit.effective_to is
    'Hết hiệu lực từ NgayHetHieuLuc (không gồm), NULL khi còn hiệu lực / the unit is dissolved '
    'or merged from (exclusive, NgayHetHieuLuc); NULL while in force, then is_active decides';
comment on column dw.dim_unit.successor_unit_code is
    'Đơn vị kế thừa MaDonViKeThua: nhận hồ sơ và nhiệm vụ khi đơn vị giải thể, sáp nhập / the '
    'unit that took over its dossiers and duties (MaDonViKeThua); NULL otherwise';

-- ---------------------------------------------------------------------------------------------
-- The unit tree at a cutoff
-- ---------------------------------------------------------------------------------------------

create function dw.unit_tree_at(cutoff timestamptz)
returns table (
    unit_durable_key bigint,
    unit_code text,
    unit_name text,
    unit_level text,
    parent_unit_code text,
    successor_unit_code text,
    is_in_force boolean,
    report_unit_code text,
    unit_depth integer,
    ancestor_codes text[]
)
language sql stable
rows 1000
as $$
with recursive

-- each unit as the catalogue described it at the cutoff: its newest version by then; a unit
-- first loaded after the cutoff (a warehouse started after a reorganisation) by its earliest
-- version, whose NgayHieuLuc / NgayHetHieuLuc say whether it was in force then
versions as (
    select distinct on (d.unit_code)
        d.unit_durable_key,
        d.unit_code,
        d.unit_name,
        d.unit_level,
        d.parent_unit_code,
        d.successor_unit_code,
        coalesce(d.effective_from <= cutoff, true)
        and coalesce(cutoff < d.effective_to, d.is_active is not false) as is_in_force
    from dw.dim_unit as d
    where d.unit_key <> -1
    order by
        d.unit_code,
        d.valid_from <= cutoff desc,
        case when d.valid_from <= cutoff then d.valid_from end desc,
        d.valid_from asc
),

-- where everything without a unit in force goes: the province's root (a unit in force
-- without a parent; a provincial one first when bad data leaves several)
main_root as (
    select v.unit_code
    from versions as v
    where v.is_in_force and v.parent_unit_code is null
    order by v.unit_level = 'tinh' desc, v.unit_code collate "C"
    limit 1
),

-- a unit not in force walks its successors (MaDonViKeThua) to the first one in force
successor_walk (unit_code, at_code, path) as (
    select v.unit_code, v.successor_unit_code, array[v.unit_code]
    from versions as v
    where not v.is_in_force and v.successor_unit_code is not null
    union all
    select w.unit_code, v.successor_unit_code, w.path || v.unit_code
    from successor_walk as w
    inner join versions as v on w.at_code = v.unit_code
    where not v.is_in_force and v.successor_unit_code is not null
        and v.unit_code <> all(w.path)
),

successor_in_force as (
    select distinct on (w.unit_code) w.unit_code, w.at_code
    from successor_walk as w
    inner join versions as v on w.at_code = v.unit_code and v.is_in_force
    order by w.unit_code, cardinality(w.path)
),

-- every unit code dw knows → the unit in force whose row counts it at the cutoff
report_units as (
    select
        k.unit_durable_key,
        k.unit_code,
        case
            when v.is_in_force then v.unit_code
            else coalesce(s.at_code, (select r.unit_code from main_root as r))
        end as report_unit_code
    from (select distinct d.unit_durable_key, d.unit_code
          from dw.dim_unit as d where d.unit_key <> -1) as k
    left join versions as v on k.unit_code = v.unit_code
    left join successor_in_force as s on k.unit_code = s.unit_code
),

-- the tree: units in force under their parent at the cutoff; a parent no longer in force is
-- replaced by where its dossiers go, so no branch is cut off from the root
tree_units as (
    select
        v.unit_code,
        case
            when v.parent_unit_code is null then null
            when r.report_unit_code = v.unit_code then (select m.unit_code from main_root as m)
            else coalesce(r.report_unit_code, (select m.unit_code from main_root as m))
        end as parent_unit_code
    from versions as v
    left join report_units as r on v.parent_unit_code = r.unit_code
    where v.is_in_force
),

walk_down (unit_code, path) as (
    select t.unit_code, array[t.unit_code]
    from tree_units as t
    where t.parent_unit_code is null
    union all
    select child.unit_code, w.path || child.unit_code
    from walk_down as w
    inner join tree_units as child on w.unit_code = child.parent_unit_code
    where child.unit_code <> all(w.path)
)

select
    k.unit_durable_key,
    k.unit_code,
    v.unit_name,
    v.unit_level,
    t.parent_unit_code,
    v.successor_unit_code,
    coalesce(v.is_in_force, false) as is_in_force,
    k.report_unit_code,
    cardinality(w.path) - 1 as unit_depth,
    w.path as ancestor_codes
from report_units as k
left join versions as v on k.unit_code = v.unit_code
left join tree_units as t on k.unit_code = t.unit_code
left join walk_down as w on k.unit_code = w.unit_code
$$;

comment on function dw.unit_tree_at(timestamptz) is
    'Cây đơn vị tại thời điểm C: đơn vị còn hiệu lực, cha tại C, nơi tính hồ sơ của mỗi mã đơn vị '
    '/ the unit tree at cutoff C (domain.md, "Reorganisation"): one row per unit code dw knows, '
    'its version at C, whether it is in force, report_unit_code = the unit in force whose row '
    'counts its dossiers (itself, the first successor in force, else the root), and for units in '
    'the tree their parent at C, depth and ancestor_codes (root first, itself last)';

create view dw.v_unit_tree_current as
select
    unit_code,
    unit_name,
    unit_level,
    parent_unit_code,
    successor_unit_code,
    is_in_force,
    report_unit_code,
    unit_depth,
    array_to_string(ancestor_codes, '/') as tree_path
from dw.unit_tree_at(now());

comment on view dw.v_unit_tree_current is
    'Cây đơn vị hiện hành; cây tại ngày bất kỳ: select * from dw.unit_tree_at(''2025-07-01'') / '
    'the unit tree now, one row per unit code: units dissolved or merged show where their '
    'dossiers count (report_unit_code); for the tree at any date call dw.unit_tree_at(timestamp)';
comment on column dw.v_unit_tree_current.unit_code is 'Mã đơn vị / unit code';
comment on column dw.v_unit_tree_current.unit_name is 'Tên đơn vị / unit name';
comment on column dw.v_unit_tree_current.unit_level is 'Cấp đơn vị / unit level';
comment on column dw.v_unit_tree_current.parent_unit_code is
    'Đơn vị cha trong cây hiện hành / parent in the current tree (NULL at the root and for units '
    'not in force)';
comment on column dw.v_unit_tree_current.successor_unit_code is
    'Đơn vị kế thừa MaDonViKeThua / successor unit';
comment on column dw.v_unit_tree_current.is_in_force is 'Đang có hiệu lực / in force now';
comment on column dw.v_unit_tree_current.report_unit_code is
    'Đơn vị tính hồ sơ của mã này / the unit whose row counts this code''s dossiers';
comment on column dw.v_unit_tree_current.unit_depth is 'Độ sâu, 0 ở gốc / depth, 0 at the root';
comment on column dw.v_unit_tree_current.tree_path is
    'Đường dẫn từ gốc / path from the root, codes separated by /';

-- the read-only BI role sees the view (its grants on dw are V006's)
do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on dw.v_unit_tree_current to bi_reader;
    end if;
end
$$;
