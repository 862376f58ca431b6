-- V006: `bi_reader`, the read-only role of BI tools (warehouse.md, "Access"; target S2).
--
-- bi_reader may SELECT every table and view of `dw` and `mart`: those that exist now, and those
-- that later migrations create (default privileges of the role that applies the migrations,
-- i.e. the pipeline's role; objects another role creates there need their own grant). It gets
-- nothing on `raw`, `staging`, `quarantine` or `meta` (their personal data and operations
-- data), and no INSERT, UPDATE, DELETE, TRUNCATE or CREATE anywhere.
--
-- A role belongs to the whole Postgres server, not to one database: it is created once, only if
-- missing, NOLOGIN, and every warehouse database on the server grants to the same role. The
-- migrating role needs the right to create roles only while bi_reader does not exist yet; a
-- deployment's first-start script (docker/warehouse-init/10-pipeline-role.sh) creates it as the
-- superuser, so that the pipeline's role needs no CREATEROLE.
--
-- No password here: a secret never belongs in a migration. To let a BI tool connect, a role
-- allowed to alter roles (the warehouse's superuser) gives it a login with the password from
-- the deployment's secret store, either to bi_reader itself
--     alter role bi_reader with login password '<secret>';
-- (sql/catalog/bi_reader_login.sql does this for Metabase), or, better with several tools, to
-- one login role per tool that inherits bi_reader's rights:
--     create role metabase login password '<secret>' in role bi_reader;

do $$
begin
    if not exists (select from pg_roles where rolname = 'bi_reader') then
        create role bi_reader nologin;
        comment on role bi_reader is
            'Vai trò chỉ đọc cho công cụ BI: SELECT trên dw và mart / read-only role of BI '
            'tools: SELECT on dw and mart, nothing else (sql/migrations/V006__bi_reader_role.sql)';
    end if;
exception
    when duplicate_object then
        null;  -- another database of the same server created it at the same moment
    when insufficient_privilege then
        raise exception 'role bi_reader does not exist and % may not create roles', current_user
            using hint = 'create it once as the superuser: create role bi_reader nologin;'
                ' (docker/warehouse-init/10-pipeline-role.sh does), then migrate again';
end
$$;

grant usage on schema dw, mart to bi_reader;
grant select on all tables in schema dw, mart to bi_reader;
alter default privileges in schema dw, mart grant select on tables to bi_reader;
