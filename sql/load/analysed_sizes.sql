-- The rows of each named dw table as its statistics last counted them (pg_class.reltuples,
-- set by ANALYZE and VACUUM; -1 for a table never analysed). Parameter: tables (text[]).
select c.relname as table_name, c.reltuples as analysed_rows
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
where n.nspname = 'dw' and c.relname = any(%(tables)s)
