"""P8: a province's daily window through the real DAGs, run by Airflow's scheduler and executor.

A province of about ``--per-day`` dossiers received a day (the simulator, its clock the real
one) and a warehouse that already holds the migrations; then Airflow 3 as a deployment runs it:
``airflow api-server`` (the tasks' execution API), ``airflow dag-processor``, ``airflow
scheduler`` with the LocalExecutor (every task its own process), a Postgres metadata DB, the
DAGs of ``dags/`` with ``TTHC_START_DATE`` ``--days`` days back. The three daily DAGs of the
first source are unpaused together; the scheduler catches up one run per DAG and day, the
three DAGs side by side, as after a deployment. Nothing is called by hand: every figure is read
afterwards from Airflow's metadata DB (DAG runs, task instances, asset events) and from
``meta.load_batch``.

Per run: queued → started (the scheduler), started → the load task's asset event (the
latency the issue asks for: a downstream consumer sees the day then), started → ended; per
task: queued → started (executor, process start-up, DAG parse) and its duration. With a few
thousand records a task's duration is its fixed cost.

    .venv/bin/python bench/daily_window.py --per-day 2000 --days 3
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import OUT, ROOT, TZ, median  # noqa: E402

AIRFLOW = str(Path(common.PYTHON).with_name("airflow"))
HASH_KEY = "bench-hash-key-0123456789abcdef"
HISTORY_DAYS = 60  # dossiers received before the measured days: older ones still in progress
FINISHED = ("success", "failed")


def airflow_environment(home: Path, metadata_uri: str, api_port: int, warehouse: str,
                        source: str, first_day: date) -> dict[str, str]:
    """A deployment's settings (docker-compose.yaml's, with the LocalExecutor and one host)."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN":
            metadata_uri.replace("postgresql://", "postgresql+psycopg2://", 1),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW_CONN_WAREHOUSE": warehouse,
        "AIRFLOW_CONN_TTHC_SYSTEM": source,
        "AIRFLOW_CONN_PAYMENT_PLATFORM": source,
        "TTHC_HASH_KEY": HASH_KEY,
        "TTHC_START_DATE": first_day.isoformat(),
        "TTHC_REPORTS_DIR": str(home / "reports"),
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONPATH": f"{ROOT / 'include'}:{ROOT}:{ROOT / 'plugins'}",
    }


@contextmanager
def process(command: list[str], env: dict[str, str], log_path: Path):
    """A long-running Airflow component, its output in ``log_path``; stopped on exit."""
    with log_path.open("wb") as log:
        started = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=ROOT, start_new_session=True)
        try:
            yield started
        finally:
            started.terminate()
            try:
                started.wait(timeout=60)
            except subprocess.TimeoutExpired:
                common._kill_tree(started.pid)
                started.wait()


@contextmanager
def simulator(per_day: int, first_day: date, token: str):
    """The province: ``per_day`` × the days received from HISTORY_DAYS before the first
    measured day to today, the simulator's clock the real one; yields its URL."""
    start = first_day - timedelta(days=HISTORY_DAYS)
    end = datetime.now(TZ).date() + timedelta(days=1)
    arguments = ["--scale", str(per_day * (end - start).days), "--start", start.isoformat(),
                 "--end", end.isoformat()]
    with common.simulator_serving(arguments, token) as (url, _process):
        yield url


def _query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(condition, what: str, timeout: float, components: list) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for component in components:
            if component.poll() is not None:
                raise RuntimeError(f"an Airflow component exited ({component.args[1]}) while"
                                   f" waiting for {what}; see its log")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {timeout:.0f} s")
        time.sleep(1)


def run_window(pg, per_day: int, days: int, workdir: Path, log) -> dict:
    """Deploy, unpause the first source's daily DAGs, wait for every run; the figures."""
    sys.path.insert(0, str(ROOT / "include"))
    from tthc_devtools.api_server import free_port
    from tthc_pipeline import sources
    from tthc_pipeline.warehouse.migrations import apply_migrations

    today = datetime.now(TZ).date()  # the province's date: its scheduler's days
    first_day = today - timedelta(days=days)
    dag_ids = [dag_id for dag_id in sources.daily_dag_ids()
               if dag_id.endswith(f"__{sources.load().default.code}")]
    warehouse = common.fresh_database(pg, "bench_window_dw")
    metadata = common.fresh_database(pg, "bench_window_airflow")
    apply_migrations(warehouse)  # the deployment's warehouse-init: runs then find them applied
    token = secrets.token_urlsafe(16)
    workdir.mkdir(parents=True, exist_ok=True)
    home = workdir / "airflow-home"
    home.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        url = stack.enter_context(simulator(per_day, first_day, token))
        api_port = free_port()
        env = airflow_environment(home, metadata, api_port, warehouse,
                                  f"http://:{token}@{url.split('://', 1)[1]}", first_day)
        subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True,
                       timeout=600)
        components = [
            stack.enter_context(process(
                [AIRFLOW, "api-server", "--host", "127.0.0.1", "--port", str(api_port),
                 "--workers", "1"], env, workdir / "api-server.log")),
            stack.enter_context(process([AIRFLOW, "dag-processor"], env,
                                        workdir / "dag-processor.log")),
            stack.enter_context(process([AIRFLOW, "scheduler"], env,
                                        workdir / "scheduler.log")),
        ]
        wait_for(lambda: len(_query(metadata, "select dag_id from dag where dag_id = any(%s)",
                                    (dag_ids,))) == len(dag_ids),
                 "the DAG processor to store the daily DAGs", 600, components)
        log(f"  DAGs parsed; unpausing {', '.join(dag_ids)} (start date {first_day})")
        unpaused = datetime.now(TZ)
        for dag_id in dag_ids:
            subprocess.run([AIRFLOW, "dags", "unpause", dag_id], env=env, check=True,
                           capture_output=True, timeout=300)
        expected = len(dag_ids) * days

        def all_finished() -> bool:
            states = _query(metadata, "select state from dag_run where dag_id = any(%s)",
                            (dag_ids,))
            return len(states) >= expected and all(s in FINISHED for (s,) in states)

        wait_for(all_finished, f"{expected} DAG runs to finish", 600 + 120 * days, components)
        return {**collect(metadata, warehouse, dag_ids, unpaused),
                "airflow_logs": str(workdir.relative_to(ROOT))}


def collect(metadata: str, warehouse: str, dag_ids: list[str], unpaused: datetime) -> dict:
    runs = _query(metadata, """
        select r.dag_id, r.run_id, r.state, r.data_interval_start, r.queued_at, r.start_date,
               r.end_date,
               (select max(e.timestamp) from asset_event e
                 where e.source_dag_id = r.dag_id and e.source_run_id = r.run_id)
          from dag_run r where r.dag_id = any(%s) order by r.data_interval_start, r.dag_id""",
                  (dag_ids,))
    tasks = _query(metadata, """
        select ti.dag_id, ti.run_id, ti.task_id, ti.state, ti.queued_dttm, ti.start_date,
               ti.end_date, (select count(*) from task_reschedule as tr where tr.ti_id = ti.id),
               (select min(tr.start_date) from task_reschedule as tr where tr.ti_id = ti.id)
          from task_instance as ti where ti.dag_id = any(%s)""", (dag_ids,))
    # quarantined: distinct records the batch's gate quarantined or parked, released since or not
    # (a batch's rows are in its own entity's quarantine table)
    quarantined = " union all ".join(
        f"select batch_id, count(distinct record_no) as n from quarantine.{entity}"
        " group by batch_id" for entity in common.ENTITIES)
    batches = _query(warehouse, f"""
        select b.entity, b.window_start, b.n_received, coalesce(q.n, 0)
          from meta.load_batch as b left join ({quarantined}) as q using (batch_id)
         order by b.batch_id""")
    by_run: dict[tuple, list] = {}
    for dag_id, run_id, task_id, state, queued, started, ended, n_rescheduled, first_poke \
            in tasks:
        by_run.setdefault((dag_id, run_id), []).append({
            "task_id": task_id, "state": state,
            "queued_to_start_s": _seconds(queued, started),
            "duration_s": _seconds(started, ended),
            # a rescheduled sensor: how often it looked again, and from its first look to its end
            "rescheduled": n_rescheduled,
            "first_start_to_end_s": _seconds(first_poke or started, ended)})
    result_runs = []
    for dag_id, run_id, state, interval_start, queued, started, ended, asset_at in runs:
        result_runs.append({
            "dag_id": dag_id, "run_id": run_id, "state": state,
            "day": interval_start.astimezone(TZ).date().isoformat(),
            "queued_to_start_s": _seconds(queued, started),
            "start_to_asset_event_s": _seconds(started, asset_at),
            "start_to_end_s": _seconds(started, ended),
            "unpaused_to_start_s": _seconds(unpaused, started),
            "tasks": sorted(by_run.get((dag_id, run_id), []), key=lambda t: t["task_id"])})
    return {"runs": result_runs,
            "records": [{"entity": e, "day": w.astimezone(TZ).date().isoformat(), "n": n,
                         "quarantined": q} for e, w, n, q in batches]}


def _seconds(first, second) -> float | None:
    return (second - first).total_seconds() if first and second else None


def render(report: dict) -> str:
    runs = report["window"]["runs"]
    days = sorted({run["day"] for run in runs})
    lines = [f"\n### A daily window at ~{report['per_day']:,} dossiers a day, {len(days)} days"
             " caught up by the scheduler (LocalExecutor)\n",
             "| day | DAG | records extracted | queued → started s | started → asset event s"
             " | started → ended s | state |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    received: dict[tuple[str, str], int] = {}
    for batch in report["window"]["records"]:
        key = (batch["day"], batch["entity"])
        received[key] = received.get(key, 0) + batch["n"]
    for run in runs:
        dag = run["dag_id"].split("__")[0]
        entities = [t["task_id"].split(".")[0] for t in run["tasks"]
                    if t["task_id"].endswith(".extract")]
        records = ", ".join(f"{e} {received.get((run['day'], e), 0):,}" for e in entities)
        lines.append(f"| {run['day']} | {dag} | {records} | {_fmt(run['queued_to_start_s'])}"
                     f" | {_fmt(run['start_to_asset_event_s'])}"
                     f" | {_fmt(run['start_to_end_s'])} | {run['state']} |")
    lines += ["\nPer task, medians over the days (s): queued → started (executor, process"
              " start, DAG parse) / duration\n",
              "| DAG | task | queued → started | duration | longest duration |",
              "| --- | --- | --- | --- | --- |"]
    per_task: dict[tuple[str, str], list] = {}
    for run in runs:
        for task in run["tasks"]:
            per_task.setdefault((run["dag_id"].split("__")[0], task["task_id"]), []).append(task)
    for (dag, task_id), tasks in sorted(per_task.items()):
        durations = [t["duration_s"] for t in tasks if t["duration_s"] is not None]
        waits = [t["queued_to_start_s"] for t in tasks if t["queued_to_start_s"] is not None]
        lines.append(f"| {dag} | {task_id} | {_fmt(median(waits))} | {_fmt(median(durations))}"
                     f" | {_fmt(max(durations, default=None))} |")
    rescheduled = [task for run in runs for task in run["tasks"] if task.get("rescheduled")]
    if rescheduled:
        lines.append("\nRescheduled sensors (a wait before a gate): "
                     + "; ".join(f"{task['task_id']} looked {task['rescheduled'] + 1} times over"
                                 f" {_fmt(task['first_start_to_end_s'])} s"
                                 for task in rescheduled))
    quarantined = {}
    for batch in report["window"]["records"]:
        quarantined[batch["entity"]] = quarantined.get(batch["entity"], 0) + (
            batch.get("quarantined") or 0)
    lines.append("\nRecords the gates quarantined or parked (released since or not), summed over"
                 " the days: "
                 + ", ".join(f"{entity} {n:,}" for entity, n in quarantined.items()))
    latencies = [run["start_to_asset_event_s"] for run in runs
                 if run["start_to_asset_event_s"] is not None]
    longest = max(((task["duration_s"], dag, task_id) for (dag, task_id), tasks
                   in per_task.items() for task in tasks if task["duration_s"] is not None),
                  default=None)
    lines.append(f"\nRun start → asset event: median {_fmt(median(latencies))} s, longest"
                 f" {_fmt(max(latencies, default=None))} s over {len(latencies)} runs; the"
                 " longest task: " + (f"{longest[1]} {longest[2]}, {longest[0]:.1f} s"
                                      if longest else "–")
                 + f". Airflow's logs: {report['window'].get('airflow_logs', '–')}")
    return "\n".join(lines)


def _fmt(seconds: float | None) -> str:
    return "–" if seconds is None or seconds != seconds else f"{seconds:.1f}"


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=2000,
                        help="dossiers received a day (weekdays more, weekends fewer)")
    parser.add_argument("--days", type=int, default=3, help="days caught up, ending yesterday")
    if not (run := common.start_run(parser, "daily-window", render)):
        return
    args, stamp, output = run
    log = common.log
    workdir = OUT / f"daily-window-{stamp}"
    report = {"started": stamp, "per_day": args.per_day, "days": args.days,
              "load_average_before": common.load_average()}
    with common.postgres() as pg:
        report["window"] = run_window(pg, args.per_day, args.days, workdir, log)
    report["load_average_after"] = common.load_average()
    common.write_json(output, report)
    log(f"results: {output}")
    print(render(report))
    failed = [run for run in report["window"]["runs"] if run["state"] != "success"]
    if failed:
        sys.exit(f"{len(failed)} DAG runs did not succeed; Airflow's logs: {workdir}")


if __name__ == "__main__":
    main()
