"""Every DAG file imports cleanly, cheaply, and follows the project's DAG policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dags

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAGS_DIR.glob("*.py") if not p.name.startswith("_"))
HOUSEKEEPING_DAGS = {"maintenance"}
HEAVY_MODULES = ("pandas", "great_expectations", "psycopg", "requests", "openpyxl", "simulator")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(DAGS_DIR))


def test_every_dag_file_imports_without_errors(dagbag):
    assert DAG_FILES, "no DAG files found"
    assert dagbag.import_errors == {}


def test_each_dag_file_makes_its_dags_named_after_it(dagbag):
    """A daily file makes one DAG per source of config/sources.yaml, the Friday file one per
    report tree, each named ``<file>__<source or tree>``; the others one DAG, named as the file."""
    from tthc_pipeline import sources

    by_file: dict[str, set[str]] = {}
    for dag in dagbag.dags.values():
        by_file.setdefault(Path(dag.fileloc).stem, set()).add(dag.dag_id)
    listed = sources.load()
    expected = {p.stem: {p.stem} for p in DAG_FILES}
    for name in sources.DAILY_DAG_NAMES:
        expected[name] = {f"{name}__{source.code}" for source in listed.sources}
    expected["weekly_chi_thi_04"] = {f"weekly_chi_thi_04__{tree.code}" for tree in listed.trees}
    assert by_file == expected


def test_dags_follow_the_policy(dagbag):
    from airflow.sdk import CronDataIntervalTimetable

    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag.dag_id
        # the DAG list shows the description: one short line
        assert dag.description and "\n" not in dag.description, dag.dag_id
        assert len(dag.description) <= 100, dag.dag_id
        # catchup: a scheduler outage must not skip a window (the runs of one DAG never overlap);
        # housekeeping has no window, and the next run's cutoff covers a missed one
        assert dag.catchup is (dag.dag_id not in HOUSEKEEPING_DAGS), dag.dag_id
        assert dag.max_active_runs == 1, dag.dag_id
        assert dag.dagrun_timeout is not None, dag.dag_id
        if dag.dag_id.startswith(("daily_", "weekly_")):
            # a bare cron string would give runs an empty interval in Airflow 3
            assert isinstance(dag.timetable, CronDataIntervalTimetable), dag.dag_id
            assert str(dag.timetable.timezone) == "Asia/Ho_Chi_Minh", dag.dag_id
        for task in dag.tasks:
            assert task.retries >= 2, f"{dag.dag_id}.{task.task_id}"
            assert task.owner and task.owner != "airflow", f"{dag.dag_id}.{task.task_id}"
            assert task.doc_md, f"{dag.dag_id}.{task.task_id} has no docstring"


def test_dag_docs_render_each_bold_lead_as_its_own_paragraph(dagbag):
    """Markdown runs a line on into the paragraph above unless a blank line separates them:
    "**On failure**: …" right under a paragraph would render inside it."""
    for dag in dagbag.dags.values():
        lines = dag.doc_md.strip().splitlines()
        assert lines[0].startswith("### ") and lines[1] == "", dag.dag_id
        for above, line in zip(lines, lines[1:], strict=False):
            if line.startswith(("**", "#")):
                assert above == "", f"{dag.dag_id}: no blank line before {line[:40]!r}"


def test_every_task_alerts_on_failure(dagbag):
    from tthc_alerts import task_failure_alert

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            # by name: a test that reloads plugins/tthc_alerts.py leaves another function object
            names = {f"{c.__module__}.{c.__qualname__}" for c in callbacks if c is not None}
            assert f"tthc_alerts.{task_failure_alert.__qualname__}" in names, \
                f"{dag.dag_id}.{task.task_id}"
            assert task.execution_timeout is not None, f"{dag.dag_id}.{task.task_id}"


def test_daily_dags_migrate_the_warehouse_before_anything_else(dagbag):
    """A first run must not extract into tables the migrations have not created yet."""
    for dag in dagbag.dags.values():
        if not dag.dag_id.startswith("daily_"):
            continue
        first = dag.get_task("prepare_warehouse")
        assert first.upstream_task_ids == set(), dag.dag_id
        assert first.get_flat_relative_ids(upstream=False) == set(dag.task_ids) - {first.task_id}


def test_weekly_dags_publish_the_scorecards_before_the_workbook_and_the_mails(dagbag):
    """The workbook's 766 and PAR sheets and the summary's 766 lines read the scorecards
    published for the same Friday; the scorecards read only dw, so they run beside the
    snapshot once the daily loads are in."""
    for dag in dagbag.dags.values():
        if not dag.dag_id.startswith("weekly_chi_thi_04"):
            continue
        scorecards = dag.get_task("publish.publish_scorecards")
        assert scorecards.upstream_task_ids == {"wait_for_daily_loads"}, dag.dag_id
        assert dag.get_task("publish.publish_snapshot").upstream_task_ids == {
            "wait_for_daily_loads"}, dag.dag_id
        assert {"publish.export_workbook", "publish.send_summary",
                "publish.send_unit_reports"} <= scorecards.get_flat_relative_ids(
                    upstream=False), dag.dag_id


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_do_no_heavy_work_at_import(dag_file):
    """Parsing must not import pandas/GX/drivers nor touch the network or databases."""
    probe = (
        "import runpy, sys; runpy.run_path(sys.argv[1]); "
        f"print('HEAVY=' + ','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(dag_file)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    # Airflow's own log lines (deprecation warnings) may share stdout: read the probe's line.
    (heavy,) = [line.removeprefix("HEAVY=") for line in result.stdout.splitlines()
                if line.startswith("HEAVY=")]
    assert heavy == "", f"{dag_file.name} imports heavy modules at parse time: {heavy}"


@pytest.mark.parametrize("setting, first_day", [(None, "2026-01-01"), ("2026-06-15", "2026-06-15")],
                         ids=["default", "TTHC_START_DATE"])
def test_the_deployment_sets_the_start_date(monkeypatch, setting, first_day):
    """TTHC_START_DATE (the deployment's environment, read at parse time) is where catchup
    starts: the first scheduled run of a daily DAG covers that day, local time."""
    import pendulum
    from airflow.dag_processing.dagbag import DagBag

    if setting is None:
        monkeypatch.delenv("TTHC_START_DATE", raising=False)
    else:
        monkeypatch.setenv("TTHC_START_DATE", setting)
    bag = DagBag(str(DAGS_DIR))
    assert bag.import_errors == {}
    expected = pendulum.parse(first_day, tz="Asia/Ho_Chi_Minh")
    for dag in bag.dags.values():
        assert dag.start_date == expected, dag.dag_id
    from airflow.serialization.encoders import coerce_to_core_timetable

    # the scheduler's view of the timetable
    timetable = coerce_to_core_timetable(bag.dags["daily_dossiers__quang_nam"].timetable)
    first = timetable.next_dagrun_info(
        last_automated_data_interval=None, restriction=_catchup_from(expected))
    assert (first.data_interval.start, first.data_interval.end) == (
        expected, expected.add(days=1))


def test_a_malformed_start_date_is_an_import_error_naming_it(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("TTHC_START_DATE", "15/06/2026")
    bag = DagBag(str(DAGS_DIR))
    assert bag.import_errors and all("TTHC_START_DATE='15/06/2026' is not a date" in error
                                     for error in bag.import_errors.values())


def _catchup_from(earliest):
    from airflow.timetables.base import TimeRestriction

    return TimeRestriction(earliest=earliest, latest=None, catchup=True)


SEVERAL_SOURCES = """
trees:
  - {code: toan_quoc, name: Toàn quốc}
  - {code: da_nang, name: Thành phố Đà Nẵng, parent: toan_quoc}
  - {code: quang_ngai, name: Tỉnh Quảng Ngãi, parent: toan_quoc}
sources:
  - {code: da_nang, name: Một cửa Đà Nẵng, tree: da_nang, tthc_connection: tthc_da_nang,
     payment_connection: payment_da_nang, pool: source_da_nang, queue: sources}
  - {code: quang_ngai, name: Một cửa Quảng Ngãi, tree: quang_ngai,
     tthc_connection: tthc_quang_ngai, payment_connection: payment_quang_ngai}
"""
DESCRIBE_DAGS = """
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(%r)
assert not bag.import_errors, bag.import_errors
print("DAGS=" + json.dumps({dag_id: {
    task.task_id: [task.pool, task.queue] for task in dag.tasks
} | {"tags": sorted(dag.tags)} for dag_id, dag in bag.dags.items()}))
"""


def test_adding_a_source_is_one_entry_and_its_connections(tmp_path):
    """A source list of two provinces and the nation gives each source its daily DAGs (its
    connections, its pool for the extracts, its queue) and each tree its Friday DAG, with no
    code change; TTHC_WAREHOUSE_POOL puts the warehouse steps in the deployment's pool."""
    listed = tmp_path / "sources.yaml"
    listed.write_text(SEVERAL_SOURCES, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE_DAGS % str(DAGS_DIR)],
        env={**os.environ, "TTHC_SOURCES_FILE": str(listed),
             "TTHC_WAREHOUSE_POOL": "warehouse"},
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("DAGS=")]
    dags = json.loads(line.removeprefix("DAGS="))
    assert sorted(dags) == sorted([
        *(f"{name}__{source}" for name in ("daily_catalogues", "daily_dossiers",
                                           "daily_payments")
          for source in ("da_nang", "quang_ngai")),
        "weekly_chi_thi_04__toan_quoc", "weekly_chi_thi_04__da_nang",
        "weekly_chi_thi_04__quang_ngai", "maintenance"])
    dossiers = dags["daily_dossiers__da_nang"]
    assert {"source:da_nang", "tthc_da_nang"} <= set(dossiers["tags"])
    assert dossiers["ho_so.extract"] == ["source_da_nang", "sources"]
    assert dossiers["ho_so.stage"] == dossiers["ho_so.validate"] == dossiers["ho_so.load"] \
        == ["warehouse", "sources"]
    assert dags["daily_payments__quang_ngai"]["giao_dich.extract"] == ["default_pool", "default"]
    assert "payment_quang_ngai" in dags["daily_payments__quang_ngai"]["tags"]
    assert "tree:toan_quoc" in dags["weekly_chi_thi_04__toan_quoc"]["tags"]
