"""
### Daily catalogues: units (đơn vị) and procedures (thủ tục hành chính)

**Loads** the whole unit and procedure catalogues of the one-stop system (`tthc_system`
connection) into the SCD2 dimensions `dw.dim_unit` and `dw.dim_procedure`, so that a unit's
reorganisation or a procedure's new online level is kept as history.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and records the snapshot
under [D, D+1); catalogues are not windowed at the source, so every run sees the current
catalogue and unchanged entries add nothing.

**Then** releases dossiers that were parked in quarantine because their unit or procedure was
not yet known.

**Re-run / backfill**: idempotent; `make backfill START=… END=…` or clear the run in the UI.
**On failure**: read the failing task's log; a `SourceError` means the source was unreachable
after every retry (re-run later), a `BatchRejected` means too many bad records (see
`quarantine.don_vi` / `quarantine.thu_tuc` and `meta.dq_result`).
"""

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, chain, dag

from tthc_pipeline.orchestration.daily import (
    DAILY_START, DEFAULT_ARGS, load_entity, prepare_warehouse, release_parked)


@dag(
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=DAILY_START,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["daily", "tthc_system", "catalogue"],
    doc_md=__doc__,
)
def daily_catalogues():
    chain(prepare_warehouse(), [load_entity("don_vi"), load_entity("thu_tuc")],
          release_parked("ho_so"))


daily_catalogues()
