"""Alert callbacks that Airflow components import by path (DAG default_args, deadline alerts).

They stay trivial on purpose: callback errors surface in scheduler or triggerer logs, not in the
task log, so all they do is hand a message to ``tthc_pipeline.notify``, which is tested directly.
"""

from __future__ import annotations

from typing import Any

from tthc_pipeline.notify import notify


def task_failure_alert(context: dict[str, Any]) -> None:
    """``on_failure_callback``: name the failed task, its run and the error."""
    ti = context.get("task_instance") or context.get("ti")
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    run_id = context.get("run_id", getattr(ti, "run_id", "?"))
    error = context.get("exception")
    notify(f"[TTHC] {dag_id}.{task_id} failed ({run_id})",
           f"DAG {dag_id}, task {task_id}, run {run_id}\nerror: {error!r}\n"
           "See the task log in the Airflow UI; re-run the task once the cause is fixed.")


def report_deadline_missed(dag_id: str = "weekly_chi_thi_04__<tree>", **context: Any) -> None:
    """Deadline alert: the weekly Directive 04 snapshot was not published by 16:30 on Friday."""
    run = context.get("dag_run") or context.get("context", {}).get("dag_run")
    run_id = getattr(run, "run_id", None) or context.get("run_id", "?")
    notify(f"[TTHC] Directive 04 report not published by 16:30 ({dag_id}, {run_id})",
           "The weekly snapshot for this Friday is not published yet. Check the run of "
           f"{dag_id} in the Airflow UI: a missing daily window (wait_for_daily_loads) or a "
           "failed task is the usual cause; publish manually once fixed and tell the office.")
