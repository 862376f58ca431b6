"""
### Daily dossiers (hồ sơ TTHC) with their status history

**Loads** every dossier updated during the window from the one-stop system (`tthc_system`
connection, `GET /api/v1/ho-so`) into `dw.fact_dossier` (one row per dossier, newest
`NgayCapNhat` wins), `dw.fact_dossier_status` (every status step: the source of "status as of
a moment") and `dw.fact_dossier_supplement`. Applicant identifiers are replaced by a keyed hash.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and extracts records
updated in [D 00:00, D+1 00:00). `meta.watermark` records each loaded window.

**Stages**: extract (HTTP → `raw.ho_so`), stage (typed, NFC), validate (Great Expectations;
bad rows → `quarantine.ho_so` with their rule), load (one transaction). Then payments parked
because their dossier was not yet known are released.

**Re-run / backfill**: idempotent; re-running a day or loading days out of order gives the same
warehouse. `make backfill START=… END=…` runs a range in order.
**On failure**: `SourceError` = the source stayed unreachable after every retry (re-run later);
`BatchRejected` = the bad-row share passed the `tthc_max_bad_share` Variable (inspect
`quarantine.ho_so` and `meta.dq_result`, fix the source, re-run).
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
    tags=["daily", "tthc_system", "dossier"],
    doc_md=__doc__,
)
def daily_dossiers():
    chain(prepare_warehouse(), load_entity("ho_so"), release_parked("giao_dich"))


daily_dossiers()
