"""One stage of a benchmark, in its own process, so that its peak RSS is its own.

``bench/ingest.py`` runs each of these under ``/usr/bin/time -v``; the last line on stdout is
the stage's JSON report, with ``seconds``: the stage's own time, from before the pipeline's
modules are imported (as an Airflow task imports them inside the task function) to its end.

Pipeline stages call exactly what the DAG tasks call (``tthc_pipeline.orchestration.daily``):

    stage.py prepare  --conninfo C --window-start ISO --window-end ISO
    stage.py extract  --conninfo C --url U --entity E --window-start ISO --window-end ISO
                      [--source-code S]
    stage.py awaited  --entity E          # what E's gate waits for, and how often it looks
    stage.py stage    --conninfo C --batch-id N
    stage.py validate --conninfo C --batch-id N
    stage.py load     --conninfo C --batch-id N
    stage.py publish  --conninfo C --report-date YYYY-MM-DD [--tree-code T]
    stage.py scorecards --conninfo C --report-date YYYY-MM-DD [--tree-code T]

The source list is config/sources.yaml, or the file ``TTHC_SOURCES_FILE`` names (the benchmarks
of several sources write their own); ``--source-code`` / ``--tree-code`` default to its first
source and tree, as the pipeline's functions do.

and the reference points:

    stage.py serve    --url U --entity E --window-start ISO --window-end ISO   # source only
    stage.py limit    --conninfo C --url U --entity E --window-start ISO ...   # fetch + COPY
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime

TOKEN = "bench-token"
HASH_KEY = "bench-hash-key-0123456789abcdef"
MAX_BAD_SHARE = 0.05  # tthc_pipeline.orchestration.resources.DEFAULT_MAX_BAD_SHARE
ENTITY_NAMES = ("don_vi", "thu_tuc", "ho_so", "giao_dich")  # tthc_pipeline.entities.ENTITIES
PAGE_LIMIT = 5000


def _window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(args.window_start), datetime.fromisoformat(args.window_end)


def prepare(args: argparse.Namespace) -> dict:
    """prepare_warehouse: migrations and the date dimension around the window."""
    from datetime import timedelta

    from tthc_pipeline.transform.load import refresh_dim_date
    from tthc_pipeline.warehouse.migrations import apply_migrations

    start, end = _window(args)
    applied = apply_migrations(args.conninfo)
    refresh_dim_date(args.conninfo, (start - timedelta(days=400)).date(),
                     (end + timedelta(days=400)).date())
    return {"migrations": applied}


class _TimedPages:
    """Wraps ``SourceClient.iter_pages`` to time the source side (HTTP + JSON parse) of the
    extract task. The pages are read in the client's prefetch thread, so this time overlaps
    the landing (serialise + COPY) rather than adding to it."""

    def __init__(self, iter_pages) -> None:
        self._iter_pages = iter_pages
        self.seconds = 0.0
        self.pages = 0

    def __call__(self, *args, **kwargs):
        pages = self._iter_pages(*args, **kwargs)
        while True:
            began = time.perf_counter()
            try:
                page = next(pages)
            except StopIteration:
                self.seconds += time.perf_counter() - began
                return
            self.seconds += time.perf_counter() - began
            self.pages += 1
            yield page


def extract(args: argparse.Namespace) -> dict:
    """extract: page through the source for the window, stream every record into raw."""
    from tthc_pipeline.extract.client import SourceClient
    from tthc_pipeline.extract.extract import extract_to_raw

    start, end = _window(args)
    with SourceClient(args.url, TOKEN) as client:
        timed = _TimedPages(client.iter_pages)
        client.iter_pages = timed
        landed = extract_to_raw(client, args.conninfo, args.entity, start, end,
                                dag_id="bench", run_id="bench", source_code=args.source_code)
    return {"batch_id": landed.batch_id, "n_received": landed.n_received,
            "source_code": landed.source_code,
            "source_seconds": timed.seconds, "pages": timed.pages}


def awaited(args: argparse.Namespace) -> dict:
    """awaited: the entities whose same-day load the entity's gate waits for while it is on its
    way, and how often the wait looks (none: the code under test does not wait)."""
    try:
        from tthc_pipeline.orchestration.daily import REFERENCE_WAIT
        from tthc_pipeline.quality.suites import awaited_entities
    except ImportError:
        return {"entities": [], "poke_interval": None}
    return {"entities": list(awaited_entities(args.entity)),
            "poke_interval": REFERENCE_WAIT["poke_interval"]}


def stage(args: argparse.Namespace) -> dict:
    from tthc_pipeline.transform.stage import stage_batch

    staged = stage_batch(args.conninfo, args.batch_id)
    return {"n_staged": staged.n_staged, "n_duplicates": staged.n_duplicates}


class _SqlTimer:
    """Sums the time the task spends waiting for its SQL statements (client-side: the server's
    work and the transfer of results): psycopg 3's cursors, and SQLAlchemy's (GX's driver) when
    it is imported anyway. Installing it imports nothing the task would not import."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def install(self) -> None:
        import psycopg

        timer = self
        for cls in (psycopg.Cursor, psycopg.ServerCursor):
            original = cls.execute

            def execute(cursor, *args, _original=original, **kwargs):
                began = time.perf_counter()
                try:
                    return _original(cursor, *args, **kwargs)
                finally:
                    timer.seconds += time.perf_counter() - began
                    timer.statements += 1

            cls.execute = execute
        if "sqlalchemy" in sys.modules or _gx_expected():
            from sqlalchemy import event
            from sqlalchemy.engine import Engine

            started: dict[int, float] = {}

            def before(conn, cursor, statement, parameters, context, executemany):
                started[id(cursor)] = time.perf_counter()

            def after(conn, cursor, statement, parameters, context, executemany):
                timer.seconds += time.perf_counter() - started.pop(id(cursor), time.perf_counter())
                timer.statements += 1

            event.listen(Engine, "before_cursor_execute", before)
            event.listen(Engine, "after_cursor_execute", after)


def _gx_expected() -> bool:
    """Whether the code under test runs the gate through GX (the code before issue 18)."""
    import importlib.util

    return importlib.util.find_spec("tthc_pipeline.quality.compiled") is None


def validate(args: argparse.Namespace) -> dict:
    timer = _SqlTimer()
    timer.install()
    from tthc_pipeline.quality.gate import validate_batch

    result = validate_batch(args.conninfo, args.batch_id, MAX_BAD_SHARE)
    return {"n_checked": result.n_checked, "n_quarantined": result.n_quarantined,
            "by_rule": result.by_rule, "sql_seconds": timer.seconds,
            "sql_statements": timer.statements}


def load(args: argparse.Namespace) -> dict:
    from tthc_pipeline.transform.load import load_batch

    loaded = load_batch(args.conninfo, args.batch_id, HASH_KEY)
    return {"n_extracted": loaded.n_extracted, "n_loaded": loaded.n_loaded,
            "n_quarantined": loaded.n_quarantined}


def publish(args: argparse.Namespace) -> dict:
    """publish_snapshot of the weekly DAG: indicators, colours, regressions, snapshot."""
    from tthc_pipeline.report.snapshot import publish_snapshot

    snapshot = publish_snapshot(args.conninfo, date.fromisoformat(args.report_date),
                                dag_run_id="bench", tree_code=args.tree_code)
    return {"tree_code": args.tree_code, "snapshot_version": snapshot.snapshot_version,
            "is_new": snapshot.is_new, "unit_count": snapshot.unit_count}


def scorecards(args: argparse.Namespace) -> dict:
    """publish_scorecards of the weekly DAG: the 766 and PAR scores of every period the Friday
    covers."""
    from tthc_pipeline.scorecards.publish import publish_scorecards

    published = publish_scorecards(args.conninfo, date.fromisoformat(args.report_date),
                                   tree_code=args.tree_code, dag_run_id="bench")
    return {"versions": [f"{p.scorecard} {p.period_type} v{p.version}" for p in published],
            "new_versions": sum(p.is_new for p in published),
            "unit_count": max((p.unit_count for p in published), default=0)}


def _pages(url: str, entity: str, start: datetime, end: datetime):
    """The raw bodies of every page of the window, over one keep-alive session (the bench's
    own minimal client: no retries, no parsing beyond the cursor at the end of the body)."""
    import requests

    from tthc_pipeline.entities import entity as entity_definition
    from tthc_pipeline.extract.client import window_params

    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    definition = entity_definition(entity)
    query = {**(window_params(start, end) if definition.is_incremental else {}),
             "limit": PAGE_LIMIT}
    while True:
        response = session.get(url + definition.endpoint, params=query, timeout=(5, 300))
        response.raise_for_status()
        body = response.content
        yield body
        # The envelope ends with "next_cursor":null} or "next_cursor":"..."}
        tail = body[body.rindex(b'"next_cursor":') + len(b'"next_cursor":'):-1].strip()
        if tail == b"null":
            return
        query["cursor"] = json.loads(tail)


def serve(args: argparse.Namespace) -> dict:
    """The simulator's own serving speed: every page fetched and thrown away."""
    start, end = _window(args)
    pages = size = 0
    for body in _pages(args.url, args.entity, start, end):
        pages += 1
        size += len(body)
    return {"pages": pages, "megabytes": size / 1e6}


def limit(args: argparse.Namespace) -> dict:
    """The physical limit: the same records fetched the same way and COPY'd, one jsonb row each,
    into an unindexed table; no batch bookkeeping, no transform, no check. The next page is
    fetched and parsed in a second thread while this one is copied (the pipeline's own
    ``prefetched``), the fastest HTTP → COPY this machine does."""
    import orjson
    import psycopg

    from tthc_pipeline.extract.prefetch import prefetched

    def parsed_pages():
        for body in _pages(args.url, args.entity, start, end):
            yield orjson.loads(body)["data"]

    start, end = _window(args)
    table = f"bench_limit.{args.entity}"
    records = 0
    with psycopg.connect(args.conninfo) as conn:
        conn.execute("create schema if not exists bench_limit")
        conn.execute(f"drop table if exists {table}")
        conn.execute(f"create table {table} (record jsonb not null)")
        with conn.cursor() as cur, cur.copy(f"copy {table} (record) from stdin") as copy:
            for data in prefetched(parsed_pages()):
                if data:
                    # One text-format COPY line per record: orjson escapes every control
                    # character, so only the backslash needs COPY's escaping.
                    lines = b"\n".join(orjson.dumps(record) for record in data)
                    copy.write(lines.replace(b"\\", b"\\\\") + b"\n")
                    records += len(data)
    return {"n_records": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["prepare", "extract", "awaited", "stage", "validate",
                                          "load", "publish", "scorecards", "serve", "limit"])
    parser.add_argument("--conninfo")
    parser.add_argument("--url")
    parser.add_argument("--entity", choices=sorted(ENTITY_NAMES))
    parser.add_argument("--window-start")
    parser.add_argument("--window-end")
    parser.add_argument("--batch-id", type=int)
    parser.add_argument("--report-date")
    parser.add_argument("--source-code")
    parser.add_argument("--tree-code")
    args = parser.parse_args()
    began = time.perf_counter()
    result = globals()[args.stage](args)
    result["seconds"] = time.perf_counter() - began
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
