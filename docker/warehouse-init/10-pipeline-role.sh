#!/usr/bin/env bash
# Runs once, when the warehouse volume is empty (postgres image: /docker-entrypoint-initdb.d).
#
# Creates the pipeline's login role and hands it the `warehouse` database, so that it can create
# the layer schemas when it applies sql/migrations. It also creates the read-only role
# `bi_reader` (NOLOGIN, no rights yet) if the server has none: roles are server-wide and creating
# one needs a right the pipeline's role should not have; everything bi_reader may do is granted
# by the migrations (V006). What V011 takes from bi_reader and only a superuser may (large
# objects, its timeouts, CONNECT on the other databases) is done here too. Credentials come from the environment (.env); psql's :"name" /
# :'value' quoting keeps any character in them safe.
set -euo pipefail

: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
: "${WAREHOUSE_PIPELINE_USER:?set WAREHOUSE_PIPELINE_USER}"
: "${WAREHOUSE_PIPELINE_PASSWORD:?set WAREHOUSE_PIPELINE_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=pipeline_user="$WAREHOUSE_PIPELINE_USER" \
    --set=pipeline_password="$WAREHOUSE_PIPELINE_PASSWORD" <<'SQL'
create role :"pipeline_user" login password :'pipeline_password';
alter database :"DBNAME" owner to :"pipeline_user";
select 'create role bi_reader nologin'
where not exists (select from pg_roles where rolname = 'bi_reader') \gexec
-- What V011 (bi_reader hardened) needs the superuser for; the migration does the rest.
revoke execute on function lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea),
    lo_import(text), lo_import(text, oid) from public;
alter role bi_reader set statement_timeout = '2min';
alter role bi_reader set idle_in_transaction_session_timeout = '5min';
alter role bi_reader set idle_session_timeout = '1h';
select format('revoke connect on database %I from public', datname) from pg_database
where datname in ('postgres', 'template1') and datname <> current_database() \gexec
SQL

echo "warehouse: role ${WAREHOUSE_PIPELINE_USER} owns database ${POSTGRES_DB}"
