-- V011: bi_reader hardened (issue 13): reads dw and mart, and can leave nothing behind nor hold
-- the server. V006 gave it SELECT; this takes away what every role gets through PUBLIC:
--
-- 1. no temporary objects (tables, views, functions in pg_temp): TEMPORARY on this database is
--    revoked from PUBLIC and granted to the role applying the migrations, the pipeline, whose
--    quality gate and weekly report use temporary tables;
-- 2. no CREATE in schema public (already so since Postgres 15; older servers granted it);
-- 3. no large objects, which outlive the session and no quota bounds: EXECUTE on the functions
--    that create them is revoked from PUBLIC in this database;
-- 4. a statement timeout, an idle-in-transaction timeout and an idle-session timeout on the
--    role (defaults of every session logging in as bi_reader);
-- 5. CONNECT on this database only: CONNECT on `postgres` and `template1` is revoked from PUBLIC.
--
-- 1 and 2 need the database's owner (the pipeline owns it, see docker/warehouse-init); 3, 4
-- and 5 need a superuser (the functions belong to the bootstrap superuser, roles and other
-- databases to the server). The migration does each step it may and, for the others, warns
-- with the statement the DBA must run as the superuser once per server or database
-- (docs/deployment.md, "bi_reader"; compose's first-start script does it). Postgres keeps
-- role settings as defaults: a login role that is a member of bi_reader has its own (give it
-- the same ones), and a session may lower its own statement_timeout; the idle timeouts and the
-- refused rights hold regardless.

do $$
declare
    database_name text := current_database();
begin
    execute format('grant temporary on database %I to %I', database_name, current_user);
    execute format('revoke temporary on database %I from public', database_name);
    revoke create on schema public from public;
exception
    when insufficient_privilege then
        raise warning 'bi_reader may still create temporary objects or objects in schema public'
            using hint = format('as the owner of database %I: revoke temporary on database %I'
                ' from public; revoke create on schema public from public;',
                database_name, database_name);
end
$$;

do $$
begin
    revoke execute on function
        lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea), lo_import(text),
        lo_import(text, oid)
    from public;
exception
    when insufficient_privilege then
        null;  -- checked below
end
$$;

do $$
begin
    if has_function_privilege('bi_reader', 'lo_create(oid)', 'execute') then
        raise warning 'bi_reader may still create large objects in database %',
            current_database()
            using hint = 'as the superuser, in this database: revoke execute on function'
                ' lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea), lo_import(text),'
                ' lo_import(text, oid) from public;';
    end if;
end
$$;

do $$
begin
    alter role bi_reader set statement_timeout = '2min';
    alter role bi_reader set idle_in_transaction_session_timeout = '5min';
    alter role bi_reader set idle_session_timeout = '1h';
exception
    when insufficient_privilege then
        raise warning 'bi_reader has no statement or idle timeout'
            using hint = 'as the superuser: alter role bi_reader set statement_timeout = ''2min'';'
                ' alter role bi_reader set idle_in_transaction_session_timeout = ''5min'';'
                ' alter role bi_reader set idle_session_timeout = ''1h'';';
end
$$;

do $$
declare
    other_database text;
begin
    foreach other_database in array array['postgres', 'template1'] loop
        if exists (select from pg_database where datname = other_database)
            and other_database <> current_database() then
            begin
                execute format('revoke connect on database %I from public', other_database);
            exception
                when insufficient_privilege then
                    null;  -- checked below
            end;
            if has_database_privilege('bi_reader', other_database, 'connect') then
                raise warning 'bi_reader may still connect to database %', other_database
                    using hint = format('as the superuser: revoke connect on database %I'
                        ' from public;', other_database);
            end if;
        end if;
    end loop;
end
$$;
