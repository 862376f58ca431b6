"""
### Daily payment transactions (giao dịch thanh toán)

**Loads** every payment transaction updated during the window from the payment platform
(its `payment_connection`, `GET /api/v1/giao-dich`) into `dw.fact_payment`, one row per
`MaThamChieu`, newest `NgayCapNhat` wins.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and extracts records
updated in [D 00:00, D+1 00:00).

**Waits** (`wait_for_references`, between staging and validation) while the same day's
dossier load of the same source is still to run (`daily_dossiers__<source>`, same logical
date), so that its payments find their dossiers. It does not wait when no such run is queued or
running, or its load has ended, and gives up after two hours (skipped; validation runs anyway).

A payment whose dossier is not yet in the warehouse is parked in `quarantine.giao_dich` and
loaded inside the dossier load that brings the dossier (or by this load, if the dossier arrived
between validation and load).
"""

from tthc_pipeline.orchestration.daily import daily_dags

# The Airflow DAGs, one per source of config/sources.yaml (dag id `<name>__<source>`): their
# entities (tthc_pipeline.entities) and what they say about them; the factory adds the schedule,
# catch-up, retries and the common re-run, quality and failure notes.

daily_dags(
    "daily_payments",
    ["giao_dich"],
    description="Daily load of online payments from the payment platform into dw.fact_payment",
    doc_md=__doc__,
    tags=["payment"],
)
