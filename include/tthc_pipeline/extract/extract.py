"""Extract one entity's window from its source system straight into ``raw`` as one batch."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.extract.client import SourceClient
from tthc_pipeline.extract.landing import LandedBatch, land_records

log = logging.getLogger(__name__)


def extract_to_raw(
    client: SourceClient,
    conninfo: str,
    entity: str,
    window_start: datetime,
    window_end: datetime,
    dag_id: str | None = None,
    run_id: str | None = None,
    source_code: str | None = None,
) -> LandedBatch:
    """Stream the window's records into a new raw batch of ``source_code`` (default: the first
    configured source); a failure mid-way lands nothing."""
    records = client.iter_records(entity, window_start, window_end)
    batch = land_records(conninfo, entity, window_start, window_end, records, dag_id, run_id,
                         source_code)
    # A retry lands a new batch; its load supersedes this one.
    crash_point("extract.after_land", entity)
    log.info("landed batch %d: %d %s records of %s for [%s, %s)", batch.batch_id,
             batch.n_received, entity, batch.source_code, window_start.isoformat(),
             window_end.isoformat())
    return batch


def client_from_uri(uri: str, **client_options: Any) -> SourceClient:
    """A client for an Airflow HTTP connection URI such as ``http://:TOKEN@127.0.0.1:8765``.

    Scheme, host and port give the base URL and the percent-decoded password the token. A path
    is Airflow's ``schema`` field, which the HTTP provider reads as the protocol, so
    ``http://:TOKEN@host:443/https`` means https. Error messages never quote the URI: it
    carries the token.
    """
    parts = urlsplit(uri)
    protocol = parts.path.strip("/") or parts.scheme
    if protocol not in ("http", "https") or not parts.hostname:
        raise ValueError("connection URI must look like http(s)://:TOKEN@host[:port]")
    if not parts.password:
        raise ValueError(f"connection URI for {parts.hostname} has no password (the token)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = f":{parts.port}" if parts.port else ""
    return SourceClient(f"{protocol}://{host}{port}", unquote(parts.password), **client_options)
