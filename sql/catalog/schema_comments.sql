-- Grain: one row per given schema, with its COMMENT. Parameter: %(schemas)s, a text array.
select
    n.nspname as schema_name,
    obj_description(n.oid, 'pg_namespace') as schema_comment
from pg_catalog.pg_namespace as n
where n.nspname = any(%(schemas)s)
order by array_position(%(schemas)s, n.nspname::text)
