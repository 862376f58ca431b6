"""Everything a local run needs, configured or started on the spot.

Connections already in the environment (``AIRFLOW_CONN_WAREHOUSE``, ``AIRFLOW_CONN_TTHC_SYSTEM``,
``AIRFLOW_CONN_PAYMENT_PLATFORM``) are used as they are; for the missing ones a throwaway
embedded Postgres and an in-process simulator are started, and removed on exit.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime

log = logging.getLogger(__name__)

SOURCE_CONNECTIONS = ("AIRFLOW_CONN_TTHC_SYSTEM", "AIRFLOW_CONN_PAYMENT_PLATFORM")


@dataclass(frozen=True)
class ProvinceSpec:
    """What the local simulator generates when no source is configured."""

    start: date
    end: date
    scale: int
    seed: int = 2022
    now: datetime | None = None


@contextmanager
def local_stack(province: ProvinceSpec) -> Iterator[dict[str, str]]:
    """Export the connections for this process (and the Airflow tasks it runs); yield them."""
    with ExitStack() as stack:
        exported: dict[str, str] = {}
        if not os.environ.get("AIRFLOW_CONN_WAREHOUSE"):
            from tthc_pipeline.devtools.embedded_postgres import EmbeddedPostgres

            pg = stack.enter_context(EmbeddedPostgres())
            exported["AIRFLOW_CONN_WAREHOUSE"] = pg.uri
        if not all(os.environ.get(name) for name in SOURCE_CONNECTIONS):
            uri = _start_simulator(stack, province)
            exported.update({name: uri for name in SOURCE_CONNECTIONS
                             if not os.environ.get(name)})
        if not os.environ.get("TTHC_HASH_KEY"):
            # A throwaway key: pseudonyms are stable within this run only, as a demo needs.
            exported["TTHC_HASH_KEY"] = secrets.token_hex(32)
        stack.enter_context(environment(exported))
        yield {name: os.environ[name] for name in ("AIRFLOW_CONN_WAREHOUSE", *SOURCE_CONNECTIONS)}


def _start_simulator(stack: ExitStack, province: ProvinceSpec) -> str:
    from simulator import SimulatorConfig, start_simulator

    token = secrets.token_urlsafe(24)
    config = SimulatorConfig(token=token, seed=province.seed, scale=province.scale,
                             start=province.start, end=province.end, now=province.now)
    sim = stack.enter_context(start_simulator(config))
    log.info("simulator serving %d dossiers over [%s, %s) at %s",
             province.scale, province.start, province.end, sim.url)
    host_port = sim.url.split("://", 1)[1]
    return f"http://:{token}@{host_port}"


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set these environment variables for the block; restore (or remove) them after it."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
