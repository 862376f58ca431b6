"""What the status steps' BRIN time index (V024) costs an analyst: ranges of step times read
through it against the b-tree it replaced, over the same steps laid out as daily loads
append them.

One national day's batch (``common.Shape``) is loaded into a fresh warehouse; its status steps
are then copied into a table of their own, ordered by their dossier's last update
(``source_updated_at``): a dossier reaches the warehouse on the day of its update, with its
steps. Daily loads append a dossier's steps as they happen, closer still to time order, so this
layout errs against the BRIN index. On that table each index in turn (built, then the table
vacuumed and analysed): a week and a day of step times, counted, each query run twice to warm
up, then ``--runs`` times; the figure is the median, with the pages the query read (its plan's
buffers, index and table, workers included). Both indexes must give the same counts.

    .venv/bin/python bench/step_index.py --scale 300000 --runs 5
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Shape, median, run_stage  # noqa: E402
from history_load import copy_of  # noqa: E402
from load import template  # noqa: E402

INDEXES = {
    "btree": "create index steps_status_at on steps (status_at)",
    "brin": "create index steps_status_at on steps using brin (status_at)",  # as V024
}
# In the Shape's busiest weeks (dossiers received 2026-03-02 .. 03-30), in Vietnamese time.
QUERIES = {
    "a week": ("select count(*), count(distinct dossier_key) from steps"
               " where status_at >= '2026-03-20 00:00+07' and status_at < '2026-03-27 00:00+07'"),
    "a day": ("select status_key, count(*) from steps"
              " where status_at >= '2026-03-24 00:00+07' and status_at < '2026-03-25 00:00+07'"
              " group by status_key order by status_key"),
}
LAYOUT = """
create table steps as
select s.*
from dw.fact_dossier_status as s
inner join dw.fact_dossier as d on s.dossier_key = d.dossier_key
order by d.source_updated_at, s.dossier_key, s.step_no
"""


def measure(conninfo: str, runs: int) -> dict:
    import psycopg

    report: dict = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(LAYOUT)
        report["steps"], report["table_pages"] = conn.execute(
            "select count(*), pg_relation_size('steps') / 8192 from steps").fetchone()
        for kind, ddl in INDEXES.items():
            conn.execute("drop index if exists steps_status_at")
            conn.execute(ddl)
            conn.execute("vacuum analyze steps")
            figures = {"index_pages": conn.execute(
                "select pg_relation_size('steps_status_at') / 8192").fetchone()[0]}
            for name, query in QUERIES.items():
                for _ in range(2):
                    conn.execute(query).fetchall()
                seconds = []
                for _ in range(runs):
                    began = time.perf_counter()
                    result = conn.execute(query).fetchall()
                    seconds.append(time.perf_counter() - began)
                plan = [line for (line,) in conn.execute(
                    "explain (analyze, buffers, costs off, timing off) " + query)]
                figures[name] = {"ms": round(median(seconds) * 1000, 1), "result": result,
                                 "plan": plan}
                common.log(f"{kind}, {name}: {figures[name]['ms']} ms")
            report[kind] = figures
    for name in QUERIES:
        if report["btree"][name]["result"] != report["brin"][name]["result"]:
            raise SystemExit(f"the two indexes found different steps for {name}")
    return report


def pages_read(plan: list[str]) -> str:
    """The pages the query read, index and table (the plan's first buffer count: the whole
    query's, workers included)."""
    line = next(line for line in plan if "Buffers:" in line)
    pages = sum(int(n) for n in re.findall(r"shared (?:hit|read)=(\d+)", line))
    return f"{pages:,}"


def render(report: dict) -> str:
    lines = [f"{report['steps']:,} status steps ({report['table_pages']:,} pages) of a"
             f" {report['scale']:,}-dossier day, laid out by their dossier's last update;"
             f" medians of {report['runs']} runs:", "",
             "| index | its pages | query | ms | pages read (index and table) | plan |",
             "| --- | --- | --- | --- | --- | --- |"]
    for kind in INDEXES:
        for name in QUERIES:
            plan = report[kind][name]["plan"]
            lines.append(f"| {kind} | {report[kind]['index_pages']:,} | {name}"
                         f" | {report[kind][name]['ms']}"
                         f" | {pages_read(plan)}"
                         f" | {'parallel ' if any('Parallel' in line for line in plan) else ''}"
                         f"bitmap scan |")
    return "\n".join(lines)


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    started = common.start_run(parser, "step-index", render)
    if started is None:
        return
    args, stamp, output = started
    shape = Shape(args.scale)
    with common.postgres() as pg, common.simulator(shape) as (url, _process):
        name, batch_id = template(pg, url, shape, {}, name="bench_step_index")
        conninfo = copy_of(pg, name, "bench_step_index_loaded")
        run_stage(["load", "--conninfo", conninfo, "--batch-id", str(batch_id)])
        report = {"started": stamp, "scale": args.scale, "runs": args.runs,
                  "load_average_before": common.load_average(),
                  **measure(conninfo, args.runs)}
    common.write_json(output, report)
    common.log(f"results: {output}")
    print(render(report))


if __name__ == "__main__":
    main()
