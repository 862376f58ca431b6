"""
### Daily catalogues: units (đơn vị) and procedures (thủ tục hành chính)

**Loads** the whole unit and procedure catalogues of the one-stop system (its `tthc_connection`
connection) into the SCD2 dimensions `dw.dim_unit` and `dw.dim_procedure`, so that a unit"s
reorganisation or a procedure"s new online level is kept as history.

**Window**: the run for day D (Asia/Ho_Chi_Minh) runs at D+1 00:00 and records the snapshot
under [D, D+1); catalogues are not windowed at the source, so every run sees the current
catalogue and unchanged entries add nothing.

Dossiers (and units) parked in quarantine because their unit, parent or procedure was not yet
known are loaded inside the load that brings it.
"""

from tthc_pipeline.orchestration.daily import daily_dags

# The Airflow DAGs, one per source of config/sources.yaml (dag id `<name>__<source>`): their
# entities (tthc_pipeline.entities) and what they say about them; the factory adds the schedule,
# catch-up, retries and the common re-run, quality and failure notes.

daily_dags(
    "daily_catalogues",
    ["don_vi", "thu_tuc"],
    description="Daily load of the unit and procedure catalogues from the one-stop system",
    doc_md=__doc__,
    tags=["catalogue"],
)
