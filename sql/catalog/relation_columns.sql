-- Grain: one row per column of every table, view and materialised view in the given schemas
-- (partitions excluded: they inherit their parent's meaning), with the COMMENTs a BI tool shows.
-- A NULL comment is an undocumented object. Parameter: %(schemas)s, a text array.
select
    n.nspname as schema_name,
    c.relname as relation_name,
    case c.relkind
        when 'r' then 'table'
        when 'p' then 'table'
        when 'v' then 'view'
        when 'm' then 'materialized view'
        when 'f' then 'foreign table'
    end as relation_kind,
    obj_description(c.oid, 'pg_class') as relation_comment,
    a.attnum as column_no,
    a.attname as column_name,
    format_type(a.atttypid, a.atttypmod) as data_type,
    a.attnotnull as is_not_null,
    col_description(c.oid, a.attnum) as column_comment
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
inner join pg_catalog.pg_attribute as a
    on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = any(%(schemas)s)
    and c.relkind in ('r', 'p', 'v', 'm', 'f')
    and not c.relispartition
order by n.nspname, c.relname, a.attnum
