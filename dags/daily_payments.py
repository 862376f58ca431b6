"""
### Daily payment transactions (giao dịch thanh toán)

**Loads** every payment transaction updated during the window from the payment platform
(`payment_platform` connection, `GET /api/v1/giao-dich`) into `dw.fact_payment`, one row per
`MaThamChieu`, newest `NgayCapNhat` wins.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and extracts records
updated in [D 00:00, D+1 00:00).

A payment whose dossier is not yet in the warehouse is parked in `quarantine.giao_dich` and
loaded automatically by the dossier DAG once the dossier arrives.

**Re-run / backfill**: idempotent; `make backfill START=… END=…`.
**On failure**: as for `daily_dossiers` (`SourceError`, `BatchRejected`).
"""

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, chain, dag

from tthc_pipeline.orchestration.daily import (
    DAILY_START, DEFAULT_ARGS, load_entity, prepare_warehouse)


@dag(
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=DAILY_START,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["daily", "payment_platform", "payment"],
    doc_md=__doc__,
)
def daily_payments():
    chain(prepare_warehouse(), load_entity("giao_dich"))


daily_payments()
