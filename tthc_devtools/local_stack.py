"""Everything a local run needs, configured or started on the spot.

Connections already in the environment (``AIRFLOW_CONN_WAREHOUSE``, and for each source of
config/sources.yaml its two, e.g. ``AIRFLOW_CONN_TTHC_SYSTEM`` and
``AIRFLOW_CONN_PAYMENT_PLATFORM``) are used as they are; for the missing ones a throwaway
embedded Postgres and an in-process simulator per source are started, and removed on exit.
Also: ``airflow_output_to``, which keeps Airflow's task logs off the terminal of a devtool.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)



def source_connections(source) -> tuple[str, str]:
    """The environment variables of a source's two Airflow connections."""
    return tuple(f"AIRFLOW_CONN_{source.connection_id(system).upper()}"
                 for system in ("tthc", "payment"))


def generated_sources() -> list[str]:
    """The configured sources whose connections are not set: a local run simulates them."""
    from tthc_pipeline import sources

    return [source.code for source in sources.load().sources
            if not all(os.environ.get(name) for name in source_connections(source))]


@dataclass(frozen=True)
class ProvinceSpec:
    """What the local simulator generates when no source is configured."""

    start: date
    end: date
    scale: int
    seed: int = 2022
    now: datetime | None = None
    province_code: str = "H49"
    reorganise_on: date | None = None


@dataclass(frozen=True)
class LocalStack:
    connections: dict[str, str]
    throwaway_warehouse: bool  # an embedded Postgres, removed on exit


@contextmanager
def local_stack(provinces: ProvinceSpec | dict[str, ProvinceSpec]) -> Iterator[LocalStack]:
    """Export the connections for this process (and the Airflow tasks it runs); yield them.

    ``provinces`` says what the simulator of each source generates (by source code), or, one
    spec, for the first source (others get the same with their own seed)."""
    from tthc_pipeline import sources

    with ExitStack() as stack:
        exported: dict[str, str] = {}
        throwaway = not os.environ.get("AIRFLOW_CONN_WAREHOUSE")
        if throwaway:
            from tthc_devtools.embedded_postgres import EmbeddedPostgres

            pg = stack.enter_context(EmbeddedPostgres())
            exported["AIRFLOW_CONN_WAREHOUSE"] = pg.uri
        listed = sources.load()
        for position, code in enumerate(generated_sources()):
            source = listed.source(code)
            uri = _start_simulator(stack, _spec(provinces, code, position))
            exported.update({name: uri for name in source_connections(source)
                             if not os.environ.get(name)})
        if not os.environ.get("TTHC_HASH_KEY"):
            exported["TTHC_HASH_KEY"] = local_hash_key()
        stack.enter_context(environment(exported))
        names = ["AIRFLOW_CONN_WAREHOUSE"] + [name for source in listed.sources
                                              for name in source_connections(source)]
        yield LocalStack({name: os.environ[name] for name in names}, throwaway)


def _spec(provinces: ProvinceSpec | dict[str, ProvinceSpec], code: str,
          position: int) -> ProvinceSpec:
    if isinstance(provinces, dict):
        return provinces[code]
    return provinces if position == 0 else replace(provinces, seed=provinces.seed + position)


def local_hash_key(path: Path | None = None) -> str:
    """The applicant hash key of local runs: kept in ``.local/hash-key`` (created once, owner
    only, ignored by git), so that a dossier loaded again tomorrow gets the same pseudonym.
    Says so in one line; a deployment sets ``TTHC_HASH_KEY`` itself."""
    from tthc_pipeline.paths import PROJECT_ROOT

    path = path or PROJECT_ROOT / ".local" / "hash-key"
    if path.exists():
        print(f"TTHC_HASH_KEY is not set: using the local key kept in {path}", file=sys.stderr)
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(key + "\n")
    print(f"TTHC_HASH_KEY is not set: created a local key in {path}; later local runs reuse it",
          file=sys.stderr)
    return key


def _start_simulator(stack: ExitStack, province: ProvinceSpec) -> str:
    from simulator import SimulatorConfig, start_simulator

    token = secrets.token_urlsafe(24)
    config = SimulatorConfig(token=token, seed=province.seed, scale=province.scale,
                             start=province.start, end=province.end, now=province.now,
                             province_code=province.province_code,
                             reorganise_on=province.reorganise_on)
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


@contextmanager
def airflow_output_to(path: Path) -> Iterator[TextIO]:
    """Send this process's stdout and stderr (Airflow's task logs) to ``path`` meanwhile;
    yield a stream to the terminal for the tool's own progress lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("w") as log_file, os.fdopen(os.dup(saved[0]), "w") as terminal:
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
