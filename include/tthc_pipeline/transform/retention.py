"""Retention of personal data (Nghị định 13/2023/NĐ-CP; shared/spec/targets.md S1).

Staging loses a batch's rows in the load that puts them in ``dw`` (``load.load_batch``). Raw
and quarantine keep records as received, for replay, but only for a while: once a dossier
batch's window is older than the retention period, the applicant's clear-text fields are
removed from its raw and quarantined records, and the rest of each record stays. What a replay
older than that can rebuild is in docs/architecture.md ("Retention of personal data").
"""

from __future__ import annotations

import logging
from datetime import datetime

import psycopg

from tthc_pipeline.entities import ENTITIES
from tthc_pipeline.paths import read_sql
from tthc_pipeline.transform.batches import REJECTED
from tthc_pipeline.transform.stage import unstage

log = logging.getLogger(__name__)

# The applicant's personal data in a dossier record (shared/spec/source-api.md).
PERSONAL_FIELDS = ("ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi")


def scrub_personal_data(conninfo: str, older_than: datetime) -> dict[str, int]:
    """Scrub the batches whose window ended at or before ``older_than`` and empty their
    staging (a rejected batch's too: its window is extracted again, never re-staged after
    this); return how many batches were scrubbed, and how many of them were rejected."""
    if older_than.tzinfo is None:
        raise ValueError("older_than must be timezone-aware")
    with psycopg.connect(conninfo) as conn, conn.transaction():
        scrubbed = conn.execute(read_sql("retention/scrub_personal_data.sql"),
                                {"older_than": older_than,
                                 "personal_fields": list(PERSONAL_FIELDS)}).fetchall()
        rejected = [batch_id for batch_id, status in scrubbed if status == REJECTED]
        batch_ids = [batch_id for batch_id, _ in scrubbed]
        for entity in ENTITIES:  # the batches are of every entity; each keeps its parked rows
            unstage(conn, entity, batch_ids)
    if scrubbed:
        log.info("personal data removed from %d dossier batches up to %s",
                 len(scrubbed), older_than.isoformat())
    return {"batches": len(scrubbed), "rejected_batches": len(rejected)}
