"""metabase-init (tthc_deploy.metabase_setup) against the test Postgres and a stand-in
for Metabase's API.

No Metabase runs here (it needs Docker or a JVM and its jar), so a small HTTP server on loopback
answers the six endpoints the setup calls, as Metabase's API reference documents them
(/api/health, /api/session/properties, /api/setup, /api/session, /api/database). What this
proves is our side: the order of the calls, the session header, the payload, and that a second
run updates the connection instead of adding a second one. The warehouse side is real.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest

from tthc_deploy.metabase_setup import DATABASE_NAME, Settings, run
from tthc_pipeline.warehouse.migrations import discover

pytestmark = pytest.mark.integration

SESSION = "session-0001"


class FakeMetabase(BaseHTTPRequestHandler):
    """Metabase's setup flow as documented; state lives on the server object."""

    def do_GET(self):  # noqa: N802 (http.server API)
        state = self.server.state
        if self.path == "/api/health":
            return self.reply({"status": "ok"})
        if self.path == "/api/session/properties":
            return self.reply({"has-user-setup": state["admin"] is not None,
                               "setup-token": "setup-token-1"})
        if self.path == "/api/database" and self.authorised():
            return self.reply({"data": list(state["databases"].values())})
        return self.reply({"message": "no"}, 401)

    def do_POST(self):  # noqa: N802
        state, body = self.server.state, self.body()
        if self.path == "/api/setup" and body["token"] == "setup-token-1" and not state["admin"]:
            state["admin"] = body["user"]
            return self.reply({"id": SESSION})
        if self.path == "/api/session" and state["admin"] and (
                body["username"], body["password"]) == (state["admin"]["email"],
                                                        state["admin"]["password"]):
            return self.reply({"id": SESSION})
        if self.path == "/api/database" and self.authorised():
            database_id = len(state["databases"]) + 1
            state["databases"][database_id] = {**body, "id": database_id}
            return self.reply({"id": database_id})
        return self.reply({"message": "no"}, 401)

    def do_PUT(self):  # noqa: N802
        state, body = self.server.state, self.body()
        database_id = int(self.path.rsplit("/", 1)[1])
        if self.authorised() and database_id in state["databases"]:
            state["databases"][database_id] = {**body, "id": database_id}
            return self.reply({"id": database_id})
        return self.reply({"message": "no"}, 401)

    def authorised(self) -> bool:
        return self.headers.get("X-Metabase-Session") == SESSION

    def body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def reply(self, payload: dict, status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def metabase():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMetabase)
    server.state = {"admin": None, "databases": {}}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def bi_reader(empty_database, postgres_server):
    """The bi_reader role, as the migrations will create it (created here until V006 does).

    Roles are cluster-wide: one this fixture created is removed again, grants first."""
    with psycopg.connect(postgres_server.admin_uri, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_roles where rolname = 'bi_reader'").fetchone()
        if not exists:
            conn.execute("create role bi_reader nologin")
    yield
    if exists:  # the setup gave the server-wide role a login: give it back as it was
        with psycopg.connect(postgres_server.admin_uri, autocommit=True) as conn:
            conn.execute("alter role bi_reader nologin password null")
    else:
        with psycopg.connect(empty_database, autocommit=True) as conn:
            conn.execute("drop owned by bi_reader")
        with psycopg.connect(postgres_server.admin_uri, autocommit=True) as conn:
            conn.execute("drop role bi_reader")


def test_setup_connects_the_warehouse_once_and_is_safe_to_rerun(
        bi_reader, empty_database, postgres_server, metabase):
    settings = Settings(
        metabase_url=f"http://127.0.0.1:{metabase.server_port}",
        admin_email="admin@example.vn", admin_password="a-long-unusual-passphrase-42",
        warehouse_uri=empty_database, warehouse_admin_uri=empty_database,
        bi_reader_password="bi-reader-secret-1")

    first = run(settings)
    second = run(settings)

    assert first == second == 1
    (database,) = metabase.state["databases"].values()
    assert database["name"] == DATABASE_NAME and database["engine"] == "postgres"
    assert {key: database["details"][key] for key in ("user", "password", "dbname",
                                                      "schema-filters-patterns")} == {
        "user": "bi_reader", "password": "bi-reader-secret-1",
        "dbname": psycopg.conninfo.conninfo_to_dict(empty_database)["dbname"],
        "schema-filters-patterns": "dw,mart"}
    assert metabase.state["admin"]["email"] == "admin@example.vn"
    with psycopg.connect(postgres_server.admin_uri) as conn:
        can_login, has_password = conn.execute(
            "select rolcanlogin, rolpassword is not null from pg_authid"
            " where rolname = 'bi_reader'").fetchone()
    assert can_login and has_password
    with psycopg.connect(empty_database) as conn:
        applied = [v for (v,) in conn.execute("select version from meta.schema_migration")]
    assert sorted(applied) == [m.version for m in discover()]
