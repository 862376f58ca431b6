"""
### Daily dossiers (hồ sơ TTHC) with their status history

**Loads** every dossier updated during the window from the one-stop system (`tthc_system`
connection, `GET /api/v1/ho-so`) into `dw.fact_dossier` (one row per dossier, newest
`NgayCapNhat` wins), `dw.fact_dossier_status` (every status step: the source of "status as of
a moment") and `dw.fact_dossier_supplement`. Applicant identifiers are replaced by a keyed hash.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and extracts records
updated in [D 00:00, D+1 00:00). `meta.watermark` records each loaded window.

**Stages**: extract (HTTP → `raw.ho_so`), stage (typed, NFC), validate (Great Expectations;
bad rows → `quarantine.ho_so` with their rule), load (one transaction, which also loads the
payments parked because their dossier was not yet known). Then `scrub_personal_data` removes
clear-text applicant fields from `raw` and `quarantine` once they are older than the Variable
`tthc_raw_pii_retention_days` (default 30) days.

**Catch-up**: `catchup=True` from `TTHC_START_DATE` (the deployment's first day, default
2026-01-01), one run at a time: after a scheduler outage the scheduler creates every missed
day's run by itself, oldest first. It only moves forward from the latest scheduled or backfill
run: a day behind that run that never had one is not filled; backfill it.

**Re-run / backfill**: idempotent: re-running a day, or loading days out of order, gives the
same warehouse. Re-run one day: clear its run (or one failed task) in the UI. A range:
`airflow backfill create --dag-id daily_dossiers --from-date 2026-03-01T00:00:00+07:00
--to-date 2026-03-31T00:00:00+07:00 --max-active-runs 1 --reprocess-behavior completed` (in
compose: `docker compose run --rm airflow-cli airflow backfill …`; give the +07:00 offset: a
bare date is read in Airflow's `default_timezone`, local in compose and `make` but UTC
on a stock Airflow, where it leaves out the first day), or `make backfill START=… END=…` on a
workstation (the same Airflow backfill, run in-process). Day D's backfill run has logical date
D 00:00, as the scheduler's, so the scheduler counts it done. Then check `meta.load_batch` for
every day (Airflow's backfill bookkeeping can mark a backfill complete early).

**Quality**: the `validate` task's XCom shows rows checked, quarantined and the count per rule;
history in `meta.dq_run` / `meta.dq_result`, bad rows in `quarantine.ho_so`.

**On failure**: the failed task e-mails the `tthc_smtp` connection's recipients (logged only
when it is not set). `SourceError` = the source stayed unreachable after every retry: re-run
later. `BatchRejected` = the bad-row share passed the `tthc_max_bad_share` Variable (default
0.05): inspect the rules named in the error, have the source fixed (or raise the Variable
knowingly), clear the task.
"""

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, chain, dag

from tthc_pipeline.orchestration.daily import (
    DEFAULT_ARGS,
    load_entity,
    prepare_warehouse,
    scrub_personal_data,
    start_date,
)


@dag(
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=start_date(),
    catchup=True,  # a scheduler outage leaves no day unrun: every missed window runs, in order
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["daily", "tthc_system", "dossier"],
    description="Daily load of dossiers and their status history from the one-stop system into dw",
    doc_md=__doc__,
)
def daily_dossiers():
    chain(prepare_warehouse(), load_entity("ho_so"), scrub_personal_data())

daily_dossiers()
