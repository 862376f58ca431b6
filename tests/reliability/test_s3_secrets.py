"""S3: no secret in the repository; tokens and the hashing key come from the connections and the
environment; a wrong token is refused, and the extractor then fails at once, saying why,
without echoing the token.

The repository scan reads every file git tracks or would add (``git ls-files --cached
--others --exclude-standard``). It flags what a leaked credential looks like: key material and
vendor token formats, values shaped like the secrets the deployment guide tells operators to
generate (hex or base64 of 32+ bytes), credentials in URLs, and, in configuration files, any
secret-named setting given a literal value rather than a reference (``${VAR}``). In
``.env.example`` every secret-named setting must be the documented empty placeholder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import subprocess
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest
import requests
from helpers.dag_runs import TEST_HASH_KEY, pipeline_environment, run_daily_dags
from helpers.reconcile import VN
from helpers.records import APPLICANT, dossier, procedure, unit
from helpers.scenario import write_scenario

from simulator import SimulatorConfig, start_simulator
from tthc_devtools.backfill import BackfillFailed
from tthc_pipeline.paths import PROJECT_ROOT

pytestmark = pytest.mark.reliability

SECRET_NAME = re.compile(r"(?i)password|passwd|secret|token|fernet|hash_?key|api_?key"
                         r"|private_?key|access_?key|conn_uri")
KEY_FORMATS = {
    "private key": re.compile("-----BEGIN [A-Z ]*PRIVATE" " KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "JSON web token": re.compile(r"\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),
}
# token_hex(16+), token_urlsafe(30+), Fernet keys: what `secrets`/`Fernet` print
GENERATED = re.compile(r"(?<![\w+/-])(?:[0-9a-fA-F]{32,}|[\w+/-]{40,}={0,2})(?![\w+/=-])")
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]*:([^\s@/'\"]+)@")
SETTING = re.compile(r"^\s*(?:export\s+)?[\"']?([A-Za-z_][\w.-]*)[\"']?\s*[:=]\s*(.*?)\s*$")
REFERENCE = re.compile(r"^[\"']?(\$\{[^}]+\}|\$\$?[A-Za-z_]\w*)[\"']?$")  # ${VAR}, $VAR, $$VAR
CONFIG_SUFFIXES = (".yaml", ".yml", ".sh", ".env", ".cfg", ".ini", ".toml", ".conf")
NOT_SECRETS = {"settings.admin_password"}  # spelled like a setting, but code


def repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=PROJECT_ROOT, capture_output=True,
                            check=True).stdout.decode()
    return sorted({path for path in listed.split("\0") if path})


def is_config(path: str) -> bool:
    name = Path(path).name
    return (name.endswith(CONFIG_SUFFIXES) or name.startswith(("Dockerfile", ".env"))
            or name == "Makefile")


def looks_generated(value: str) -> bool:
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return True
    return all(re.search(chars, value) for chars in ("[A-Z]", "[a-z]", "[0-9]"))


def leaks(path: str, text: str) -> list[str]:
    """Every place in ``text`` where a credential seems to be written down."""
    found = [f"{path}: {kind}" for kind, pattern in KEY_FORMATS.items() if pattern.search(text)]
    found += [f"{path}: generated secret {m[0][:8]}…" for m in GENERATED.finditer(text)
              if looks_generated(m[0])]
    found += [f"{path}: password in a URL" for m in URL_PASSWORD.finditer(text)
              if len(unquote(m[1])) >= 16 and looks_generated(unquote(m[1]))]
    if is_config(path):
        for line in text.splitlines():
            setting = SETTING.match(line)
            if (setting and SECRET_NAME.search(setting[1]) and setting[2]
                    and not setting[2].startswith("#") and not REFERENCE.match(setting[2])
                    and setting[2] not in NOT_SECRETS):
                found.append(f"{path}: {setting[1]} has a literal value")
    return found


@pytest.mark.unit
def test_s3_no_secret_in_the_repository():
    files = repository_files()
    assert len(files) > 100 and ".env.example" in files and ".env" not in files
    found = []
    for path in files:
        data = (PROJECT_ROOT / path).read_bytes() if (PROJECT_ROOT / path).is_file() else b""
        if b"\0" not in data[:8192]:  # text files only
            found += leaks(path, data.decode("utf-8", "replace"))
    assert found == []


@pytest.mark.unit
def test_s3_the_env_file_is_ignored_and_the_example_holds_only_placeholders():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0, ".env (the deployment's secrets) must be git-ignored"
    settings = [SETTING.match(line) for line in
                (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith("#")]
    secret_settings = {m[1]: m[2] for m in settings if m and SECRET_NAME.search(m[1])}
    assert {"TTHC_HASH_KEY", "SIMULATOR_TOKEN", "WAREHOUSE_PIPELINE_PASSWORD"} <= set(
        secret_settings)
    assert {name: value for name, value in secret_settings.items() if value} == {}


@pytest.mark.unit
@pytest.mark.parametrize("planted", [
    "TOKEN = '" + secrets.token_hex(32) + "'",
    "fernet_key: " + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "-----BEGIN OPENSSH PRIVATE" " KEY-----",
    "AKIA" + "Z7QX3M2K9D4W1P8L",
    "postgresql://etl:" + secrets.token_urlsafe(24) + "@db:5432/warehouse",
])
def test_s3_the_scan_finds_planted_secrets(planted):
    assert leaks("notes.md", f"some text\n{planted}\nmore text") != []


@pytest.mark.unit
@pytest.mark.parametrize(("path", "text", "leaked"), [
    ("deploy.env", "WAREHOUSE_PIPELINE_PASSWORD=hunter2-hunter2", True),
    ("deploy.env", "WAREHOUSE_PIPELINE_PASSWORD=", False),
    ("compose.yaml", "    TTHC_HASH_KEY: ${TTHC_HASH_KEY:?set it}", False),
    ("compose.yaml", "    TTHC_HASH_KEY: province-hash-key", True),
    ("notes.md", "AIRFLOW_CONN_TTHC_SYSTEM='http://:s3cret@127.0.0.1:8765'", False),
])
def test_s3_the_scan_tells_literals_from_placeholders(path, text, leaked):
    assert bool(leaks(path, text)) is leaked


# -- tokens and the hash key at run time ------------------------------------------------------

DAY = date(2026, 7, 6)
NOW = datetime(2026, 7, 8, tzinfo=VN)
TOKEN = "s3-simulator-token"
UNIT, PROCEDURE = "000.00.02.H49", "1.000153"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    moment = f"{DAY:%Y%m%d}100000"
    return write_scenario(
        tmp_path_factory.mktemp("s3"),
        don_vi=[unit(UNIT, "Sở Nội vụ", "20260701080000")],
        thu_tuc=[procedure(PROCEDURE, "20260701080000", [UNIT])],
        ho_so=[dossier("HS-S3", moment, [(2, moment)], DonViXuLy=UNIT, MaTTHC=PROCEDURE)])


@pytest.fixture
def simulator_url(scenario):
    with start_simulator(SimulatorConfig(token=TOKEN, scenario_dir=scenario, now=NOW)) as sim:
        yield sim.url


@pytest.mark.simulator
def test_s3_the_simulator_refuses_a_wrong_or_missing_token(simulator_url):
    url = f"{simulator_url}/api/v1/don-vi"
    for headers in ({"Authorization": "Bearer wrong-token"}, {}, {"Authorization": TOKEN}):
        refused = requests.get(url, headers=headers, timeout=5)
        assert (refused.status_code, refused.json()["error_code"]) == (401, "401")
    assert requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"},
                        timeout=5).status_code == 200


@pytest.mark.e2e
def test_s3_a_wrong_token_fails_the_extract_at_once_saying_why(warehouse, simulator_url, capfd):
    wrong = "wrong-token-" + secrets.token_hex(4)
    with pipeline_environment(warehouse, simulator_url, wrong), pytest.raises(
            BackfillFailed, match=r"failed: \['don_vi.extract', 'thu_tuc.extract'\]"):
        run_daily_dags([DAY], ("daily_catalogues__quang_nam",))
    logged = "".join(capfd.readouterr())
    assert "answered HTTP 401 (not retried): the token was refused; check the connection's" \
           " password" in logged
    assert wrong not in logged
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from meta.load_batch").fetchone() == (0,)


@pytest.mark.e2e
def test_s3_the_token_and_the_hash_key_come_from_the_environment(warehouse, simulator_url,
                                                                 capfd):
    with pipeline_environment(warehouse, simulator_url, TOKEN):
        run_daily_dags([DAY], ("daily_catalogues__quang_nam", "daily_dossiers__quang_nam"))
    with psycopg.connect(warehouse) as conn:
        [(applicant_hash,)] = conn.execute("select applicant_hash from dw.fact_dossier").fetchall()
    # the key of the environment (helpers.dag_runs sets TTHC_HASH_KEY), nothing built in
    assert applicant_hash == hmac.new(TEST_HASH_KEY.encode(),
                                      APPLICANT["SoGiayToChuHoSo"].encode(),
                                      hashlib.sha256).digest()
    logged = "".join(capfd.readouterr())
    assert TOKEN not in logged and TEST_HASH_KEY not in logged


@pytest.mark.e2e
def test_s3_without_the_hash_key_nothing_loads(warehouse, simulator_url, capfd):
    with pipeline_environment(warehouse, simulator_url, TOKEN):
        os.environ.pop("TTHC_HASH_KEY")  # pipeline_environment removes it again on exit
        # refused by the first task, before anything is extracted
        with pytest.raises(BackfillFailed, match=r"failed: \['prepare_warehouse'\]"):
            run_daily_dags([DAY], ("daily_catalogues__quang_nam",))
    assert "MissingHashKey: TTHC_HASH_KEY must be set" in "".join(capfd.readouterr())
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from meta.load_batch").fetchone() == (0,)
        assert conn.execute("select count(*) from dw.dim_unit where unit_key <> -1"
                            ).fetchone() == (0,)


@pytest.mark.unit
def test_s3_local_runs_keep_one_hash_key_in_a_file_only_its_owner_reads(tmp_path, capsys):
    from tthc_devtools.local_stack import local_hash_key

    path = tmp_path / ".local" / "hash-key"
    first = local_hash_key(path)
    assert "created a local key in" in capsys.readouterr().err
    assert len(first) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert local_hash_key(path) == first  # tomorrow's backfill hashes applicants the same way
    assert "using the local key kept in" in capsys.readouterr().err


@pytest.mark.integration
def test_s3_the_hash_key_never_reaches_the_server_log_with_statement_logging_on():
    """Production servers often log every statement (``log_statement``,
    ``log_min_duration_statement``): the applicant hash key must not be among what they log."""
    from helpers.pipeline import land_and_stage

    from tthc_devtools.embedded_postgres import EmbeddedPostgres
    from tthc_pipeline.transform.load import load_batch
    from tthc_pipeline.warehouse.migrations import apply_migrations

    unit_code, procedure_code, day = "000.00.01.H49", "1.000001", date(2025, 3, 3)
    steps = [(2, "20250303080000"), (4, "20250303090000")]
    with EmbeddedPostgres() as server:
        with psycopg.connect(server.uri, autocommit=True) as conn:
            for setting in ("log_statement = 'all'", "log_min_duration_statement = 0",
                            "log_parameter_max_length = -1"):
                conn.execute(f"alter system set {setting}")
            conn.execute("select pg_reload_conf()")
        apply_migrations(server.uri)
        for entity, records in (("don_vi", [unit(unit_code, "Sở", "20250101080000")]),
                                ("thu_tuc", [procedure(procedure_code, "20250101080000",
                                                       [unit_code])]),
                                ("ho_so", [dossier("HS-1", steps[-1][1], steps,
                                                   DonViXuLy=unit_code,
                                                   MaTTHC=procedure_code)])):
            load_batch(server.uri, land_and_stage(server.uri, entity, records, day),
                       TEST_HASH_KEY)
        logged = server.server_log.read_text(encoding="utf-8", errors="replace")
        with psycopg.connect(server.uri) as conn:
            (stored,) = conn.execute("select applicant_hash from dw.fact_dossier").fetchone()
    assert "insert into dw.fact_dossier" in logged  # statements are being logged
    assert TEST_HASH_KEY not in logged
    # the same digest pgcrypto's hmac(id, key, 'sha256') gave before: stored hashes still match
    assert bytes(stored) == hmac.new(TEST_HASH_KEY.encode(),
                                     APPLICANT["SoGiayToChuHoSo"].encode(),
                                     hashlib.sha256).digest()
