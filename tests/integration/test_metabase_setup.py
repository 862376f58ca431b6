"""metabase-init (tthc_deploy.metabase_setup) against the test Postgres and a stand-in
for Metabase's API.

No Metabase runs here (it needs Docker or a JVM and its jar), so a small HTTP server on loopback
answers the endpoints the setup calls, as Metabase's API reference documents them
(/api/health, /api/session/properties, /api/setup, /api/session, /api/database, and for the
dashboard /api/card and /api/dashboard). What this proves is our side: the order of the calls,
the session header, the payload, and that a second run updates the connection, the questions
and the dashboard instead of adding copies. The warehouse side is real: every question's SQL
runs as bi_reader on the migrated warehouse.
"""

from __future__ import annotations

import copy
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
        if self.path == "/api/card?f=all" and self.authorised():
            return self.reply(list(state["cards"].values()))
        if self.path == "/api/dashboard" and self.authorised():
            return self.reply(list(state["dashboards"].values()))
        if self.path.startswith("/api/dashboard/") and self.authorised():
            return self.reply(state["dashboards"][int(self.path.rsplit("/", 1)[1])])
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
        for path, kind in (("/api/database", "databases"), ("/api/card", "cards"),
                           ("/api/dashboard", "dashboards")):
            if self.path == path and self.authorised():
                new_id = len(state[kind]) + 1
                state[kind][new_id] = {**body, "id": new_id, "dashcards": []} \
                    if kind == "dashboards" else {**body, "id": new_id}
                return self.reply({"id": new_id})
        return self.reply({"message": "no"}, 401)

    def do_PUT(self):  # noqa: N802
        state, body = self.server.state, self.body()
        kind, object_id = self.path.split("/")[2] + "s", int(self.path.rsplit("/", 1)[1])
        if not (self.authorised() and object_id in state.get(kind, {})):
            return self.reply({"message": "no"}, 401)
        if kind == "dashboards":  # dashcards with a negative id are new ones
            dashcards = [{**dc, "id": dc["id"] if dc["id"] > 0 else self.next_dashcard_id()}
                         for dc in body.pop("dashcards")]
            state[kind][object_id] |= {**body, "dashcards": dashcards}
        else:
            state[kind][object_id] = {**body, "id": object_id}
        return self.reply({"id": object_id})

    def next_dashcard_id(self) -> int:
        self.server.state["dashcard_ids"] += 1
        return self.server.state["dashcard_ids"]

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
    server.state = {"admin": None, "databases": {}, "cards": {}, "dashboards": {},
                    "dashcard_ids": 0}
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


def test_setup_lays_out_the_directive_04_dashboard_once_and_its_sql_runs_as_bi_reader(
        bi_reader, empty_database, postgres_server, metabase):
    from tthc_deploy.metabase_dashboard import CARDS, DASHBOARD_NAME

    settings = Settings(
        metabase_url=f"http://127.0.0.1:{metabase.server_port}",
        admin_email="admin@example.vn", admin_password="a-long-unusual-passphrase-42",
        warehouse_uri=empty_database, warehouse_admin_uri=empty_database,
        bi_reader_password="bi-reader-secret-1")

    database_id = run(settings)
    first = copy.deepcopy(metabase.state["dashboards"])
    run(settings)

    cards = metabase.state["cards"]
    assert [card["name"] for card in cards.values()] == [card.name for card in CARDS]
    (dashboard,) = metabase.state["dashboards"].values()
    assert dashboard["name"] == DASHBOARD_NAME
    assert metabase.state["dashboards"] == first, "a second run changes nothing"
    assert sorted(dc["card_id"] for dc in dashboard["dashcards"]) == sorted(cards)
    assert len({dc["id"] for dc in dashboard["dashcards"]}) == len(CARDS) > 0
    reader = psycopg.conninfo.make_conninfo(empty_database, user="bi_reader",
                                            password="bi-reader-secret-1")
    expected_columns = {
        "line": {"report_date", "on_time_rate", "online_rate", "online_payment_rate"},
        "bar": {"colour", "units"},
    }
    with psycopg.connect(reader) as conn:
        for card in cards.values():
            query = card["dataset_query"]
            assert (query["type"], query["database"]) == ("native", database_id)
            cursor = conn.execute(query["native"]["query"])
            columns = {column.name for column in cursor.description}
            assert expected_columns.get(card["display"], set()) <= columns, card["name"]
    compliance = next(c for c in cards.values() if "Tuân thủ" in c["name"])
    assert "mart.chi_thi_04_compliance" in compliance["dataset_query"]["native"]["query"]
