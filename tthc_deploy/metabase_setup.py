"""Connect a fresh Metabase to the warehouse as ``bi_reader``; safe to run again.

Metabase's open-source edition has no configuration file for databases (``config.yml`` is a
Pro/Enterprise feature), so this calls its REST API as its own setup screen does:

1. apply the warehouse migrations (they create ``bi_reader`` and its grants on ``dw``/``mart``),
   as the pipeline's own role, the way every DAG run starts;
2. give ``bi_reader`` its login password from the deployment's secrets (the warehouse's
   superuser; a password never belongs in a migration);
3. create Metabase's first admin with the setup token (``GET /api/session/properties``,
   ``POST /api/setup``), or log in as that admin when it already exists;
4. add the warehouse, restricted to the schemas ``dw`` and ``mart`` (``POST /api/database``),
   or update its connection when a database of that name exists (``PUT /api/database/:id``);
5. create or update the Directive 04 dashboard and its questions on that connection
   (``tthc_deploy.metabase_dashboard``).

Every input comes from the environment (docker-compose.yaml ``metabase-init``)::

    METABASE_URL, METABASE_ADMIN_EMAIL, METABASE_ADMIN_PASSWORD,
    TTHC_WAREHOUSE_URI (the pipeline role), WAREHOUSE_ADMIN_URI (superuser),
    BI_READER_PASSWORD

    python -m tthc_deploy.metabase_setup
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DATABASE_NAME = "Kho dữ liệu TTHC / TTHC warehouse"
BI_SCHEMAS = "dw,mart"


@dataclass(frozen=True)
class Settings:
    metabase_url: str
    admin_email: str
    admin_password: str
    warehouse_uri: str  # the pipeline role: migrations, and where bi_reader connects
    warehouse_admin_uri: str
    bi_reader_password: str

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        names = ("METABASE_URL", "METABASE_ADMIN_EMAIL", "METABASE_ADMIN_PASSWORD",
                 "TTHC_WAREHOUSE_URI", "WAREHOUSE_ADMIN_URI", "BI_READER_PASSWORD")
        missing = [name for name in names if not env.get(name)]
        if missing:
            raise SystemExit(f"metabase setup: set {', '.join(missing)}")
        return cls(*(env[name] for name in names))


def warehouse_details(warehouse_uri: str, bi_reader_password: str) -> dict[str, Any]:
    """Metabase's connection details for the warehouse, as bi_reader, dw and mart only."""
    from psycopg.conninfo import conninfo_to_dict  # a URI or key=value libpq string

    params = conninfo_to_dict(warehouse_uri)
    return {
        "host": params.get("host", "localhost"),
        "port": int(params.get("port") or 5432),
        "dbname": params["dbname"],
        "user": "bi_reader",
        "password": bi_reader_password,
        "ssl": params.get("sslmode", "disable") not in ("disable", "allow", "prefer"),
        "schema-filters-type": "inclusion",
        "schema-filters-patterns": BI_SCHEMAS,
    }


def database_payload(details: dict[str, Any]) -> dict[str, Any]:
    return {"engine": "postgres", "name": DATABASE_NAME, "details": details,
            "is_full_sync": True, "auto_run_queries": True}


def setup_payload(settings: Settings, setup_token: str) -> dict[str, Any]:
    site_name = "Báo cáo TTHC / TTHC reporting"
    return {
        "token": setup_token,
        "user": {"first_name": "TTHC", "last_name": "Admin", "email": settings.admin_email,
                 "password": settings.admin_password, "site_name": site_name},
        "prefs": {"site_name": site_name, "site_locale": "vi", "allow_tracking": False},
    }


class Metabase:
    """The few Metabase API calls the setup needs, with the session header once logged in."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session: str | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.session:
            headers["X-Metabase-Session"] = self.session
        request = urllib.request.Request(
            self.base_url + path, method=method, headers=headers,
            data=None if body is None else json.dumps(body).encode("utf-8"))
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            text = response.read().decode("utf-8")
        return json.loads(text) if text else None

    def wait_until_healthy(self, attempts: int = 60, pause: float = 5) -> None:
        """Metabase takes a minute or two to migrate its application database on first start."""
        for attempt in range(1, attempts + 1):
            try:
                if (self.call("GET", "/api/health") or {}).get("status") == "ok":
                    return
            except (urllib.error.URLError, OSError, ValueError) as error:
                log.info("Metabase not ready (%d/%d): %s", attempt, attempts, error)
            time.sleep(pause)
        raise TimeoutError(f"Metabase at {self.base_url} did not become healthy")

    def sign_in(self, settings: Settings) -> None:
        """Create the first admin with the setup token, or log in as that admin."""
        properties = self.call("GET", "/api/session/properties")
        if not properties.get("has-user-setup"):
            reply = self.call("POST", "/api/setup",
                              setup_payload(settings, properties["setup-token"]))
            log.info("Metabase: created the admin %s", settings.admin_email)
        else:
            reply = self.call("POST", "/api/session", {"username": settings.admin_email,
                                                       "password": settings.admin_password})
        self.session = reply["id"]

    def connect_warehouse(self, details: dict[str, Any]) -> int:
        """Add the warehouse, or refresh its connection if it is there; return its id."""
        listed = self.call("GET", "/api/database")
        databases = listed["data"] if isinstance(listed, dict) else listed
        existing = [db for db in databases if db.get("name") == DATABASE_NAME]
        payload = database_payload(details)
        if existing:
            database_id = existing[0]["id"]
            self.call("PUT", f"/api/database/{database_id}", payload)
            log.info("Metabase: updated the connection of database %d", database_id)
            return database_id
        database_id = self.call("POST", "/api/database", payload)["id"]
        log.info("Metabase: added the warehouse as database %d (%s)", database_id, BI_SCHEMAS)
        return database_id


def prepare_bi_reader(settings: Settings) -> None:
    """Migrate the warehouse (creating bi_reader), then set bi_reader's login password."""
    import psycopg
    from psycopg import sql

    from tthc_pipeline.paths import read_sql
    from tthc_pipeline.warehouse.migrations import apply_migrations

    applied = apply_migrations(settings.warehouse_uri)
    log.info("warehouse migrations applied now: %s", applied or "none")
    statement = sql.SQL(read_sql("catalog/bi_reader_login.sql")).format(
        login_literal=sql.Literal(settings.bi_reader_password))
    with psycopg.connect(settings.warehouse_admin_uri, autocommit=True) as conn:
        conn.execute(statement)


def run(settings: Settings) -> int:
    """Connect the warehouse and lay out the dashboard; return the warehouse's database id."""
    from tthc_deploy.metabase_dashboard import ensure_dashboard

    prepare_bi_reader(settings)
    metabase = Metabase(settings.metabase_url)
    metabase.wait_until_healthy()
    metabase.sign_in(settings)
    database_id = metabase.connect_warehouse(
        warehouse_details(settings.warehouse_uri, settings.bi_reader_password))
    ensure_dashboard(metabase, database_id)
    return database_id


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    run(Settings.from_environment())


if __name__ == "__main__":
    main()
