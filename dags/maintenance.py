"""
### Maintenance: Airflow's own metadata and task logs past their retention

**Removes**, every Sunday at 23:00 Asia/Ho_Chi_Minh, what Airflow keeps about past runs and
nobody reads any more, so that the metadata DB and the log volume stop growing:

- **metadata rows** (DAG runs and their task instances, XComs, reschedules, jobs, the audit
  log, ...) older than the Variable `tthc_airflow_metadata_retention_days` (default 90 days,
  at least 7), with Airflow's own `airflow db clean --skip-archive --yes
  --error-on-cleanup-failure`. It always keeps each DAG's latest scheduled or backfill run,
  which catch-up continues from. It needs the connection `airflow_metadata` (the metadata DB;
  tasks may not use Airflow's own database settings);
- **log files** under `[logging] base_log_folder` last written more than
  `tthc_airflow_log_retention_days` (default 30 days, at least 7) ago, and the folders left
  empty. In compose every component shares `./logs`, so one worker cleans all of it; workers on
  other hosts keep their own logs and need their own clean-up (e.g. `find … -mtime +30 -delete`).

**Never touches the warehouse**: published snapshots (`mart.chi_thi_04_*`), `meta` and the
report workbooks are the product and are kept for good (back them up: docs/deployment.md).

**Window**: none. The cutoff is the run's due time (`run_after`) minus the retention, so a
re-run removes what the run removed then. `catchup=False`: a missed Sunday needs no catch-up,
the next run removes the older rows as well.

**Re-run**: trigger the DAG, or clear its run; both tasks are idempotent (removing what is
already gone does nothing).

**On failure**: the failed task e-mails `tthc_smtp`'s recipients. `BadRetention` = a Variable
is not a whole number of days ≥ 7: fix it and clear the task. `DbCleanFailed` carries
`airflow db clean`'s output (e.g. a table it could not clean, a lock timeout): retried, then
fix and clear. A missing `airflow_metadata` connection fails at once, naming it.
"""

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag

from tthc_pipeline.orchestration.daily import start_date
from tthc_pipeline.orchestration.maintenance import (
    DEFAULT_ARGS,
    clean_airflow_metadata,
    remove_old_task_logs,
)


@dag(
    # No data interval: a trigger timetable is right for housekeeping that loads nothing.
    schedule=CronTriggerTimetable("0 23 * * 0", timezone="Asia/Ho_Chi_Minh"),
    start_date=start_date(),
    catchup=False,  # a missed Sunday is covered by the next run's cutoff
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=4),
    default_args=DEFAULT_ARGS,
    tags=["maintenance", "airflow"],
    description="Weekly: delete Airflow metadata rows and task log files past their retention",
    doc_md=__doc__,
)
def maintenance():
    clean_airflow_metadata()
    remove_old_task_logs()


maintenance()
