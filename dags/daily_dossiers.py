"""
### Daily dossiers (hồ sơ TTHC) with their status history

**Loads** every dossier updated during the window from the one-stop system (its `tthc_connection`
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
"""

from tthc_pipeline.orchestration.daily import daily_dags

# The Airflow DAGs, one per source of config/sources.yaml (dag id `<name>__<source>`): their
# entities (tthc_pipeline.entities) and what they say about them; the factory adds the schedule,
# catch-up, retries and the common re-run, quality and failure notes.

daily_dags(
    "daily_dossiers",
    ["ho_so"],
    description="Daily load of dossiers and their status history from the one-stop system into dw",
    doc_md=__doc__,
    tags=["dossier"],
    with_retention=True,
)
