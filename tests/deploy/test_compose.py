"""The structure of docker-compose.yaml, .env.example and docker/, checked without Docker.

No machine of ours has a Docker engine (nor the compose plugin), so these tests are the
deployment's validation here: they parse the compose file with PyYAML, interpolate it the way
Compose does (``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}``, nested) with the values of
.env.example, validate it against the Compose Specification's JSON schema (vendored as
compose-spec.json, see SCHEMA_SOURCE), and check what each service gets. No compose client is
needed, so every machine checks the same.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yaml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]

AIRFLOW_SERVICES = (
    "airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
    "airflow-worker", "airflow-worker-sources", "airflow-triggerer", "airflow-cli", "flower",
)
ONE_OFF = {"airflow-init", "airflow-cli", "metabase-init"}
LONG_RUNNING = sorted(set(SERVICES) - ONE_OFF)
PROJECT_MOUNTS = ("dags", "plugins", "include", "simulator", "sql", "expectations", "config",
                  "reports", "logs")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|HASH_KEY")
# The Compose Specification's schema, as Docker Compose validates a file with it.
SCHEMA = ROOT / "tests" / "deploy" / "compose-spec.json"
SCHEMA_SOURCE = ("https://github.com/compose-spec/compose-spec/blob/"
                 "a08f8d51631b7127ddac3d2c65537db429d0f1d0/schema/compose-spec.json")
# TTHC_* names read from the environment that are not a deployment's settings: test hooks.
TEST_HOOKS = {"TTHC_CRASH_AT", "TTHC_CRASH_ONCE_DIR"}
# Fixed by compose to the container's layout (the mounts), so not in .env.example.
CONTAINER_LAYOUT = {"TTHC_PROJECT_ROOT": "/opt/airflow", "TTHC_REPORTS_DIR": "/opt/airflow/reports"}
SETTING_NAME = re.compile(r"(?<![A-Z0-9_])TTHC_[A-Z0-9_]*[A-Z0-9]")
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


# --- Compose's interpolation, the subset this file may use ---------------------------------------

class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            end = _closing_brace(text, i)
            out.append(_substitute(text[i + 2:end], env))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for j in range(start + 1, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    raise ValueError(f"unclosed ${{ in {text!r}")


def _substitute(expression: str, env: dict[str, str]) -> str:
    name, op, operand = re.fullmatch(r"(\w+)(?:(:?[-?+])(.*))?", expression, re.S).groups()
    value = env.get(name)
    is_set = value is not None and (value != "" or not (op or "").startswith(":"))
    if op in (":-", "-"):
        return value if is_set else interpolate(operand, env)
    if op in (":?", "?") and not is_set:
        raise MissingVariable(f"{name}: {operand}")
    if op in (":+", "+"):
        return interpolate(operand, env) if is_set else ""
    return value or ""


def resolve(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolve(value, env) for key, value in node.items()}
    return node


def example_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in
             (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def filled_env(**overrides: str) -> dict[str, str]:
    """.env.example with every secret filled (with a recognisable value), as a user is told to."""
    env = {name: f"secret-{name}" if SECRET_NAME.search(name) else value
           for name, value in example_env().items()}
    return {**env, **overrides}


@functools.cache
def resolved() -> dict:
    """The compose file as Compose would run it with a filled-in .env."""
    return resolve(COMPOSE, filled_env())


def env_of(service: str, compose: dict = COMPOSE) -> dict[str, str]:
    return compose["services"][service].get("environment", {})


def mounts_of(service: str) -> dict[str, str]:
    """Container path -> host path."""
    return {volume.split(":")[1]: volume.split(":")[0]
            for volume in SERVICES[service].get("volumes", [])}


# --- Services --------------------------------------------------------------------------------

def test_every_required_service_is_defined():
    required = {"postgres", "redis", "warehouse", "simulator", "metabase", "metabase-db",
                "metabase-init", *AIRFLOW_SERVICES}
    assert required <= set(SERVICES)
    assert SERVICES["flower"]["profiles"] == ["flower"]
    assert SERVICES["airflow-apiserver"]["command"] == "api-server"
    assert SERVICES["airflow-worker"]["command"] == "celery worker"


def test_every_airflow_component_merges_the_common_anchor():
    root = yaml.compose(COMPOSE_TEXT)
    top = {key.value: value for key, value in root.value}
    common = top["x-airflow-common"]
    services = {key.value: value for key, value in top["services"].value}
    for name in AIRFLOW_SERVICES:
        merged = [value for key, value in services[name].value
                  if key.tag == "tag:yaml.org,2002:merge"]
        assert merged and merged[0] is common, f"{name} does not merge *airflow-common"

    anchor = COMPOSE["x-airflow-common"]
    for name in AIRFLOW_SERVICES:
        service = SERVICES[name]
        assert service["image"] == anchor["image"]
        assert service["volumes"] == anchor["volumes"]
        assert env_of(name).items() >= anchor["environment"].items(), name


def test_airflow_runs_celery_with_one_jwt_secret_and_fernet_key():
    for name in AIRFLOW_SERVICES:
        env = env_of(name)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
            "http://airflow-apiserver:8080/execution/")
        assert env["GX_ANALYTICS_ENABLED"] == "false"
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Ho_Chi_Minh"  # local time
    for setting, variable in (("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW_JWT_SECRET"),
                              ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW_FERNET_KEY"),
                              ("AIRFLOW__API__SECRET_KEY", "AIRFLOW_API_SECRET_KEY")):
        values = {env_of(name)[setting] for name in AIRFLOW_SERVICES}
        assert len(values) == 1, f"{setting} differs between components: {values}"
        assert REFERENCE.match(values.pop()).group(1) == variable
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in env_of(name)


def test_the_project_is_mounted_and_importable_in_the_containers():
    for name in AIRFLOW_SERVICES:
        mounts = mounts_of(name)
        for directory in PROJECT_MOUNTS:
            assert mounts.get(f"/opt/airflow/{directory}") == f"./{directory}", (name, directory)
        env = env_of(name)
        assert env["PYTHONPATH"].split(":") == ["/opt/airflow/include", "/opt/airflow"]
        assert env["TTHC_PROJECT_ROOT"] == "/opt/airflow"
        assert env["TTHC_REPORTS_DIR"] == "/opt/airflow/reports"
    # What those PYTHONPATH entries hold once mounted: the two packages.
    assert (ROOT / "include" / "tthc_pipeline" / "__init__.py").is_file()
    assert (ROOT / "simulator" / "__init__.py").is_file()
    assert mounts_of("simulator")["/opt/airflow/simulator"] == "./simulator"


def test_connections_come_from_the_environment_and_resolve():
    from airflow.sdk import Connection

    env = filled_env(WAREHOUSE_PIPELINE_USER="tthc_pipeline", WAREHOUSE_PIPELINE_PASSWORD="pw0",
                     SIMULATOR_TOKEN="tok0")
    resolved = env_of("airflow-worker", resolve(COMPOSE, env))
    warehouse = Connection.from_uri(resolved["AIRFLOW_CONN_WAREHOUSE"], conn_id="warehouse")
    assert (warehouse.conn_type, warehouse.host, warehouse.port, warehouse.schema) == (
        "postgres", "warehouse", 5432, "warehouse")
    assert (warehouse.login, warehouse.password) == ("tthc_pipeline", "pw0")
    for conn_id in ("tthc_system", "payment_platform"):
        http = Connection.from_uri(resolved[f"AIRFLOW_CONN_{conn_id.upper()}"], conn_id=conn_id)
        assert (http.conn_type, http.host, http.port, http.password) == (
            "http", "simulator", 8765, "tok0")

    # A real province, an external warehouse: replaced from .env, without editing this file.
    real = {"TTHC_SYSTEM_CONN_URI": "http://:real-token@motcua.example.gov.vn:443/https",
            "WAREHOUSE_CONN_URI": "postgresql://u:p@db.example.gov.vn:5432/warehouse"}
    resolved = env_of("airflow-worker", resolve(COMPOSE, {**env, **real}))
    assert resolved["AIRFLOW_CONN_TTHC_SYSTEM"] == real["TTHC_SYSTEM_CONN_URI"]
    assert resolved["AIRFLOW_CONN_WAREHOUSE"] == real["WAREHOUSE_CONN_URI"]
    assert "@simulator:8765" in resolved["AIRFLOW_CONN_PAYMENT_PLATFORM"]
    assert resolved["TTHC_HASH_KEY"] == env["TTHC_HASH_KEY"]


def test_the_warehouse_is_its_own_postgres():
    worker = env_of("airflow-worker", resolved())
    metadata = urlsplit(worker["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    warehouse = urlsplit(worker["AIRFLOW_CONN_WAREHOUSE"])
    assert metadata.hostname == "postgres" and metadata.path == "/airflow"
    assert warehouse.hostname == "warehouse" and warehouse.path == "/warehouse"
    assert SERVICES["warehouse"]["image"] == "postgres:16"
    volumes = {name: SERVICES[name]["volumes"][0].split(":")[0]
               for name in ("postgres", "warehouse")}
    assert volumes["postgres"] != volumes["warehouse"]
    assert set(volumes.values()) <= set(COMPOSE["volumes"])
    assert SERVICES["warehouse"]["environment"]["POSTGRES_DB"] == "warehouse"
    init = mounts_of("warehouse")["/docker-entrypoint-initdb.d"]
    scripts = sorted((ROOT / init).glob("*.sh"))
    assert scripts and all(path.stat().st_mode & stat.S_IXUSR for path in scripts)
    assert SERVICES["airflow-worker"]["depends_on"]["warehouse"] == {"condition": "service_healthy"}


def test_long_running_services_have_healthchecks():
    for name in LONG_RUNNING:
        assert SERVICES[name].get("healthcheck", {}).get("test"), name
    assert "http://localhost:8765/api/v1/health" in SERVICES["simulator"]["healthcheck"]["test"]
    for name, service in SERVICES.items():
        for dependency, how in service.get("depends_on", {}).items():
            if how["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], (name, dependency)


def test_the_simulator_runs_from_the_project_image():
    simulator = SERVICES["simulator"]
    assert simulator["image"] == COMPOSE["x-airflow-common"]["image"]
    assert simulator["build"] == COMPOSE["x-airflow-common"]["build"]
    command = simulator["command"]
    assert command[:3] == ["python", "-m", "simulator"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options["--host"] == "0.0.0.0" and options["--port"] == "8765"
    assert options["--token"].startswith("${SIMULATOR_TOKEN:?")


# --- National deployment: queues and pools ----------------------------------------------------

def test_the_second_worker_listens_on_the_documented_queue_only_in_profile_national():
    worker = SERVICES["airflow-worker-sources"]
    assert worker["profiles"] == ["national"]  # `docker compose up -d` stays as light as before
    command = resolved()["services"]["airflow-worker-sources"]["command"]
    assert command == "celery worker --queues sources"
    assert resolve(COMPOSE, filled_env(SOURCES_WORKER_QUEUES="ha_noi,hcm"))["services"][
        "airflow-worker-sources"]["command"] == "celery worker --queues ha_noi,hcm"
    # the default worker takes Celery's default queue, as before
    assert SERVICES["airflow-worker"]["command"] == "celery worker"
    assert "profiles" not in SERVICES["airflow-worker"]
    for name, concurrency in (("airflow-worker", "16"), ("airflow-worker-sources", "8")):
        env = env_of(name, resolved())
        assert env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == concurrency
        assert env["DUMB_INIT_SETSID"] == "0"
    assert worker["healthcheck"] == SERVICES["airflow-worker"]["healthcheck"]
    assert worker["depends_on"] == SERVICES["airflow-worker"]["depends_on"]
    deployment = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for documented in ("`airflow-worker-sources`", "--profile national", "`queue: sources`",
                       "`SOURCES_WORKER_QUEUES`", "`WAREHOUSE_POOL_SLOTS`", "`SOURCE_POOLS`"):
        assert documented in deployment, documented


def test_further_sources_bring_their_connections_in_a_git_ignored_file():
    """One entry in config/sources.yaml and two connections per source, without editing this
    file: every Airflow component reads sources.env when it exists."""
    assert COMPOSE["x-airflow-common"]["env_file"] == [{"path": "sources.env",
                                                        "required": False}]
    for name in AIRFLOW_SERVICES:
        assert SERVICES[name]["env_file"] == COMPOSE["x-airflow-common"]["env_file"], name
    assert "sources.env" in (ROOT / ".gitignore").read_text().splitlines()
    ignore = (ROOT / "docker" / "Dockerfile.dockerignore").read_text().splitlines()
    assert "!sources.env" not in ignore  # never in the image


def _pool_script() -> str:
    """The part of airflow-init's command that runs after the image entrypoint's migration."""
    command = resolved()["services"]["airflow-init"]["command"][1]
    inner = command.split("/entrypoint bash -c '", 1)[1]
    assert inner.rstrip().endswith("'")
    return inner.rstrip()[:-1]


def test_the_init_step_creates_the_warehouse_pool_and_each_source_pool(tmp_path):
    """airflow-init's pool script, run by bash with `airflow` standing in as a recorder."""
    recorder = tmp_path / "airflow"
    recorder.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s|" "$a"; done >> "$CALLS"\n'
                        'echo >> "$CALLS"\n')
    recorder.chmod(0o755)
    calls = tmp_path / "calls"

    def run(**overrides: str) -> subprocess.CompletedProcess:
        calls.write_text("")
        env = env_of("airflow-init", resolve(COMPOSE, filled_env(**overrides)))
        return subprocess.run(
            ["bash", "-c", _pool_script()], capture_output=True, text=True,
            env={"PATH": f"{tmp_path}:{os.environ['PATH']}", "CALLS": str(calls),
                 "INIT_WAREHOUSE_POOL_SLOTS": env["INIT_WAREHOUSE_POOL_SLOTS"],
                 "INIT_SOURCE_POOLS": env["INIT_SOURCE_POOLS"]})

    def pools() -> dict[str, str]:
        return {fields[2]: fields[3] for fields in
                (line.split("|") for line in calls.read_text().splitlines())
                if fields[:2] == ["pools", "set"]}

    assert run().returncode == 0
    assert pools() == {"warehouse": "8"}  # the single-province default: no source pool
    done = run(WAREHOUSE_POOL_SLOTS="24", SOURCE_POOLS="quang_nam_api=2 da_nang_api=3")
    assert done.returncode == 0, done.stderr
    assert pools() == {"warehouse": "24", "quang_nam_api": "2", "da_nang_api": "3"}
    assert calls.read_text().splitlines()[-1] == "pools|list|"
    bad = run(SOURCE_POOLS="quang_nam_api")
    assert bad.returncode == 2 and "not name=slots" in bad.stderr


def test_the_warehouse_accepts_what_the_pools_may_open():
    command = resolved()["services"]["warehouse"]["command"]
    settings = dict(command[i + 1].split("=", 1) for i, part in enumerate(command)
                    if part == "-c")
    assert settings["max_connections"] == "100"
    # the default pool (8 tasks, at most 2 connections each) leaves room for BI and psql
    assert int(env_of("airflow-init", resolved())["INIT_WAREHOUSE_POOL_SLOTS"]) * 2 < 100


# --- BI (Metabase) ----------------------------------------------------------------------------

def test_metabase_has_its_own_application_database():
    metabase = SERVICES["metabase"]
    assert re.fullmatch(r"metabase/metabase:v\d+\.\d+\.\d+", metabase["image"]), "pin a release"
    env = env_of("metabase", resolved())
    assert (env["MB_DB_TYPE"], env["MB_DB_HOST"], env["MB_DB_DBNAME"]) == (
        "postgres", "metabase-db", "metabase")
    assert env["MB_DB_PASS"] == env_of("metabase-db", resolved())["POSTGRES_PASSWORD"]
    assert env["MB_DB_PASS"] == filled_env()["METABASE_DB_PASSWORD"]
    assert metabase["depends_on"]["metabase-db"] == {"condition": "service_healthy"}
    volumes = {name: SERVICES[name]["volumes"][0].split(":")[0]
               for name in ("postgres", "warehouse", "metabase-db")}
    assert len(set(volumes.values())) == 3 and set(volumes.values()) <= set(COMPOSE["volumes"])
    assert resolved()["services"]["metabase"]["ports"] == ["127.0.0.1:3000:3000"]
    assert "http://localhost:3000/api/health" in metabase["healthcheck"]["test"]


def test_metabase_init_connects_the_warehouse_as_bi_reader():
    from tthc_deploy.metabase_setup import Settings, database_payload, warehouse_details

    init = SERVICES["metabase-init"]
    assert init["image"] == COMPOSE["x-airflow-common"]["image"]
    assert init["command"] == ["python", "-m", "tthc_deploy.metabase_setup"]
    # the init step is not part of the runtime package: its folder is mounted beside it, on
    # PYTHONPATH's /opt/airflow
    assert (ROOT / "tthc_deploy" / "metabase_setup.py").is_file()
    assert mounts_of("metabase-init") == {"/opt/airflow/include": "./include",
                                          "/opt/airflow/tthc_deploy": "./tthc_deploy",
                                          "/opt/airflow/sql": "./sql"}
    assert "/opt/airflow" in env_of("metabase-init", resolved())["PYTHONPATH"].split(":")
    assert init["depends_on"] == {"warehouse": {"condition": "service_healthy"},
                                  "metabase": {"condition": "service_healthy"}}

    env = filled_env()
    settings = Settings.from_environment(env_of("metabase-init", resolved()))
    assert settings.metabase_url == "http://metabase:3000"
    # The same warehouse as the pipeline's connection, and its superuser for the password.
    assert settings.warehouse_uri == env_of("airflow-worker", resolved())["AIRFLOW_CONN_WAREHOUSE"]
    admin = urlsplit(settings.warehouse_admin_uri)
    assert (admin.hostname, admin.username, admin.password) == (
        "warehouse", env["WAREHOUSE_ADMIN_USER"], env["WAREHOUSE_ADMIN_PASSWORD"])
    payload = database_payload(warehouse_details(settings.warehouse_uri,
                                                 settings.bi_reader_password))
    assert payload["engine"] == "postgres"
    assert {key: payload["details"][key] for key in (
        "host", "port", "dbname", "user", "password", "schema-filters-patterns")} == {
        "host": "warehouse", "port": 5432, "dbname": "warehouse", "user": "bi_reader",
        "password": env["WAREHOUSE_BI_READER_PASSWORD"], "schema-filters-patterns": "dw,mart"}

    # An external warehouse: both URIs come from .env, the bundled server is not used.
    external = {"WAREHOUSE_CONN_URI": "postgresql://p:pw@db.example.gov.vn:5432/warehouse"
                "?sslmode=require",
                "WAREHOUSE_ADMIN_CONN_URI": "postgresql://dba:pw2@db.example.gov.vn:5432/warehouse"}
    settings = Settings.from_environment(
        env_of("metabase-init", resolve(COMPOSE, {**env, **external})))
    details = warehouse_details(settings.warehouse_uri, "x")
    assert (details["host"], details["ssl"]) == ("db.example.gov.vn", True)
    assert settings.warehouse_admin_uri == external["WAREHOUSE_ADMIN_CONN_URI"]


# --- Compose itself ----------------------------------------------------------------------------

@functools.cache
def compose_validator():
    from jsonschema import Draft7Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in compose_validator().iter_errors(document)]


def test_the_file_follows_the_compose_specification():
    """What `docker compose config` checks first, without a compose client: the file as written
    and as interpolated with a filled-in .env match the Compose Specification's schema."""
    assert (ROOT / "tests" / "deploy" / "README.md").read_text().count(SCHEMA_SOURCE) == 1
    assert schema_errors(COMPOSE) == []
    assert schema_errors(resolved()) == []


def test_the_schema_catches_what_compose_would_refuse():
    broken = json.loads(json.dumps(resolved()))
    broken["services"]["warehouse"]["restart_policy"] = "always"  # not a service key
    broken["services"]["postgres"]["volumes"] = "postgres-db-volume"  # not a list
    broken["volumes"]["warehouse-db-volume"] = {"drivr": "local"}
    errors = schema_errors(broken)
    assert len(errors) == 3, errors
    assert any("restart_policy" in error for error in errors)


# --- Secrets -------------------------------------------------------------------------------

def test_no_secret_value_is_written_in_the_compose_file():
    secrets = {value for name, value in filled_env().items() if SECRET_NAME.search(name)}
    for service_name, service in resolved()["services"].items():
        for key, value in service.get("environment", {}).items():
            if "://" in str(value):
                assert urlsplit(value).password in (None, "", *secrets), (service_name, key)
            elif SECRET_NAME.search(key):
                assert value in secrets, f"{service_name}.{key} is not taken from .env"
    command = resolved()["services"]["simulator"]["command"]
    assert command[command.index("--token") + 1] in secrets
    for name in set(REFERENCE.findall(COMPOSE_TEXT)):
        if SECRET_NAME.search(name):
            assert not re.search(rf"\$\{{{name}:?-", COMPOSE_TEXT), f"{name} has a default"


def test_env_example_documents_every_variable_and_holds_no_secret():
    example = example_env()
    used = set(REFERENCE.findall(COMPOSE_TEXT.replace("$${", "")))
    assert used - set(example) == set(), "used in docker-compose.yaml, missing in .env.example"
    assert set(example) - used == set(), "in .env.example but unused"
    for name, value in example.items():
        if SECRET_NAME.search(name):
            assert value == "", f".env.example must leave {name} empty"
    assert not re.search(r"(?<![$\w])\$[A-Za-z_]", COMPOSE_TEXT), "use ${VAR}, not $VAR"


# --- Settings and ports --------------------------------------------------------------------------

def documented_settings() -> set[str]:
    """The TTHC_* settings the README and docs/ name, and those the pipeline reads (DAGs,
    plugins, the runtime package; not the workstation tools in devtools/ nor deploy/'s
    metabase-init, whose environment is checked above)."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    code = [path for folder in ("dags", "plugins", "include") for path in
            (ROOT / folder).rglob("*.py") if not {"devtools", "deploy"} & set(path.parts)]
    names = {name for path in docs for name in SETTING_NAME.findall(path.read_text())}
    read = {name for path in code for name in re.findall(r"[\"'](TTHC_[A-Z0-9_]+)[\"']",
                                                           path.read_text())}
    assert read - TEST_HOOKS <= names, f"read by the pipeline, undocumented: {read - names}"
    return (names | read) - TEST_HOOKS


def commented_settings() -> dict[str, bool]:
    """Each variable of .env.example: whether a comment line stands right above it (alone, or
    with the other variables of its block)."""
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    commented, above_is_comment = {}, False
    for line in lines:
        if line.startswith("#"):
            above_is_comment = True
        elif "=" in line:
            commented[line.split("=", 1)[0]] = above_is_comment
        else:
            above_is_comment = False
    return commented


def test_every_documented_setting_reaches_airflow_and_is_in_env_example():
    """A setting the docs promise, or the pipeline reads, that compose does not pass to the
    Airflow components (or .env.example does not explain) fails here."""
    settings = documented_settings()
    assert {"TTHC_SOURCE_BACKOFF_BASE", "TTHC_SOURCE_BACKOFF_MAX", "TTHC_HASH_KEY"} <= settings
    common = COMPOSE["x-airflow-common"]["environment"]
    passed = set(REFERENCE.findall(" ".join(map(str, common.values()))))
    example, env_text = commented_settings(), (ROOT / ".env.example").read_text()
    for name in sorted(settings):
        if name in CONTAINER_LAYOUT:
            assert common.get(name) == CONTAINER_LAYOUT[name], name
            assert name in env_text and name not in example, f"{name}: explained, not set"
            continue
        assert name in passed, f"{name} is not passed to the Airflow components"
        assert example.get(name) is True, f"{name} is not in .env.example with a comment"
    for name in common:
        if name.startswith("TTHC_") and name not in CONTAINER_LAYOUT:
            assert common[name].startswith(f"${{{name}"), f"{name} is not taken from .env"
    assert all(example.values()), [name for name, ok in example.items() if not ok]


def published(compose: dict) -> dict[str, tuple[str, str, str]]:
    """Service -> (host address, host port, container port) of its one published port."""
    ports = {}
    for name, service in compose["services"].items():
        if "ports" in service:
            (mapping,) = service["ports"]
            ports[name] = tuple(mapping.split(":"))
    return ports


WEB_UIS = {"airflow-apiserver", "metabase"}


def test_every_port_is_published_on_localhost_by_default():
    ports = published(resolved())
    assert set(ports) == {"airflow-apiserver", "metabase", "warehouse", "simulator", "flower"}
    assert {address for address, _, _ in ports.values()} == {"127.0.0.1"}
    assert {name: host for name, (_, host, _) in ports.items()} == {
        "airflow-apiserver": "8080", "metabase": "3000", "warehouse": "5433",
        "simulator": "8765", "flower": "5555"}
    # Each host port is a setting of its own, documented where deployment.md lists the services.
    deployment = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for service in SERVICES.values():
        for mapping in service.get("ports", []):
            variable = re.search(r"\$\{(\w+_HOST_PORT):-", mapping).group(1)
            assert f"`{variable}`" in deployment, variable


def test_only_the_web_uis_follow_the_bind_address():
    """WEB_BIND_ADDRESS opens the two web UIs to a reverse proxy elsewhere; the warehouse, the
    simulator and Flower stay on the host whatever it says."""
    ports = published(resolve(COMPOSE, filled_env(WEB_BIND_ADDRESS="10.0.0.5")))
    assert {name for name, (address, _, _) in ports.items() if address == "10.0.0.5"} == WEB_UIS
    assert {address for name, (address, _, _) in ports.items() if name not in WEB_UIS} == {
        "127.0.0.1"}
    assert "`WEB_BIND_ADDRESS`" in (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_compose_refuses_to_start_until_the_secrets_are_filled():
    with pytest.raises(MissingVariable):
        resolve(COMPOSE, example_env())
    env = filled_env()
    resolved = resolve(COMPOSE, env)
    worker = env_of("airflow-worker", resolved)
    assert worker["AIRFLOW__CORE__FERNET_KEY"] == env["AIRFLOW_FERNET_KEY"]
    assert worker["AIRFLOW__API_AUTH__JWT_SECRET"] == env["AIRFLOW_JWT_SECRET"]
    assert env_of("warehouse", resolved)["WAREHOUSE_PIPELINE_USER"] == "tthc_pipeline"
    # $$ leaves a literal $ for the container's shell.
    assert "${POSTGRES_USER}" in resolved["services"]["warehouse"]["healthcheck"]["test"][1]


# --- Image -----------------------------------------------------------------------------------

def test_the_image_extends_the_official_one_with_the_pinned_requirements():
    build = COMPOSE["x-airflow-common"]["build"]
    dockerfile = (ROOT / build["context"] / build["dockerfile"]).read_text(encoding="utf-8")
    assert "ARG AIRFLOW_VERSION=3.3.2" in dockerfile
    assert "ARG PYTHON_VERSION=3.11" in dockerfile
    assert "FROM apache/airflow:${AIRFLOW_VERSION}-python${PYTHON_VERSION}" in dockerfile
    install = dockerfile.split("RUN pip install", 1)[1].split("\n\n", 1)[0]
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in install
    assert "-r /requirements.txt" in install
    assert "apache-airflow==3.3.2" in (ROOT / "requirements.txt").read_text().split()
    assert "ENV PYTHONPATH=/opt/airflow/include:/opt/airflow" in dockerfile

    # The build context: an allow-list holding the requirements and the project's directories.
    ignore = [line for line in (ROOT / "docker" / "Dockerfile.dockerignore")
              .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert ignore[0] == "*"
    assert {"!requirements.txt", *(f"!{d}" for d in PROJECT_MOUNTS if d not in ("reports", "logs"))
            } <= set(ignore)
