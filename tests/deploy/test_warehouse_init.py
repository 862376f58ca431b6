"""docker/warehouse-init against a real Postgres: the role it creates can apply the migrations.

The postgres image runs the script once, as its superuser, on an empty volume; here it runs the
same way against a fresh database of the test server, with awkward characters in the password.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tthc_pipeline.warehouse.migrations import apply_migrations, discover

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "docker" / "warehouse-init" / "10-pipeline-role.sh"


def _path_with_psql() -> str:
    path = os.environ.get("PATH", "")
    if shutil.which("psql"):
        return path
    from tthc_devtools.embedded_postgres import find_postgres_bindir

    try:
        return f"{find_postgres_bindir()}{os.pathsep}{path}"
    except RuntimeError:
        pytest.skip("no psql client on this machine")


def test_the_pipeline_role_owns_the_database_and_applies_the_migrations(empty_database):
    admin = conninfo_to_dict(empty_database)
    role = f"tthc_pipeline_{uuid.uuid4().hex[:8]}"
    password = "it's a \"p@ss:word\" with spaces"
    env = {
        **os.environ,
        "PATH": _path_with_psql(),
        "PGHOST": str(admin.get("host", "")),
        "PGPORT": str(admin.get("port", "")),
        "PGPASSWORD": str(admin.get("password", "")),
        "POSTGRES_USER": str(admin["user"]),
        "POSTGRES_DB": str(admin["dbname"]),
        "WAREHOUSE_PIPELINE_USER": role,
        "WAREHOUSE_PIPELINE_PASSWORD": password,
    }
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    try:
        pipeline = make_conninfo(empty_database, user=role, password=password)
        assert apply_migrations(pipeline) == [m.path.name for m in discover()]
        with psycopg.connect(pipeline) as conn:
            owner, superuser, can_login = conn.execute(
                "select pg_get_userbyid(d.datdba), r.rolsuper, r.rolcanlogin"
                " from pg_database d, pg_roles r"
                " where d.datname = current_database() and r.rolname = current_user"
            ).fetchone()
        assert (owner, superuser, can_login) == (role, False, True)
        # V011 holds although the pipeline is no superuser: the script did the rest
        with psycopg.connect(pipeline) as conn:
            assert conn.execute(
                "select has_function_privilege('bi_reader', 'lo_create(oid)', 'execute'),"
                " has_database_privilege('bi_reader', current_database(), 'temporary'),"
                " has_database_privilege('bi_reader', 'postgres', 'connect'),"
                " (select setconfig from pg_db_role_setting where setdatabase = 0"
                "  and setrole = 'bi_reader'::regrole)").fetchone() == (
                False, False, False, ["statement_timeout=2min",
                                      "idle_in_transaction_session_timeout=5min",
                                      "idle_session_timeout=1h"])
    finally:
        with psycopg.connect(empty_database, autocommit=True) as conn:
            name = sql.Identifier(role)
            conn.execute(sql.SQL("reassign owned by {} to current_user").format(name))
            conn.execute(sql.SQL("drop owned by {}").format(name))
            conn.execute(sql.SQL("drop role {}").format(name))
