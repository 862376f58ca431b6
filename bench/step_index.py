"""The status steps as an analyst reads them: ranges of step times through V024's BRIN index
against the b-tree it replaced, over the same steps laid out as daily loads append them; and
V025's status history view against V007's.

One national day's batch (``common.Shape``) is loaded into a fresh warehouse; its status steps
are then copied into a table of their own, ordered by their dossier's last update
(``source_updated_at``): a dossier reaches the warehouse on the day of its update, with its
steps. Daily loads append a dossier's steps as they happen, closer still to time order, so this
layout errs against the BRIN index. On that table each index in turn (built, then the table
vacuumed and analysed): a week and a day of step times, counted, each query run twice to warm
up, then ``--runs`` times; the figure is the median, with the pages the query read (its plan's
buffers, index and table, workers included). Both indexes must give the same counts.

Then, over the loaded warehouse itself, V007's ``dw.v_dossier_status_history`` (recreated from
its migration under another name) beside the current one: they must hold the same rows
(``except all`` both ways), and four questions are timed the same way through each: one
dossier's history, one day's steps, a unit's latest steps, and every step.

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
from common import ROOT, Shape, median, run_stage  # noqa: E402
from history_load import copy_of  # noqa: E402
from load import template  # noqa: E402

VIEW = "dw.v_dossier_status_history"
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
V007_VIEW = "dw.v_dossier_status_history_v007"
VIEW_QUERIES = {
    "one dossier's history": "select * from {view} where dossier_code = %(dossier)s",
    "one day's steps": ("select count(*), sum(hours_in_status) from {view}"
                        " where status_date = date '2026-03-24'"),
    "a unit's latest steps": ("select count(*) from {view}"
                              " where unit_code = %(unit)s and is_latest_step"),
    "every step": ("select count(*), sum(hours_in_status), count(*) filter (where is_latest_step)"
                   " from {view}"),
}
# a dossier from the middle of the codes, and its unit
SAMPLES = """
select d.dossier_code, u.unit_code
from dw.fact_dossier as d
inner join dw.dim_unit as u on d.unit_durable_key = u.unit_durable_key and u.is_current
order by d.dossier_code
offset 1000 limit 1
"""
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
                ms, result = timed(conn, query, {}, runs)
                plan = [line for (line,) in conn.execute(
                    "explain (analyze, buffers, costs off, timing off) " + query)]
                figures[name] = {"ms": ms, "result": result, "plan": plan}
                common.log(f"{kind}, {name}: {figures[name]['ms']} ms")
            report[kind] = figures
    for name in QUERIES:
        if report["btree"][name]["result"] != report["brin"][name]["result"]:
            raise SystemExit(f"the two indexes found different steps for {name}")
    report["views"] = measure_views(conninfo, runs)
    return report


def v007_view() -> str:
    """V007's definition of the status history view, under another name."""
    text = (ROOT / "sql" / "migrations" / "V007__bi_views.sql").read_text(encoding="utf-8")
    start = text.index("create view dw.v_dossier_status_history as")
    return text[start:text.index(";", start)].replace(
        "dw.v_dossier_status_history", V007_VIEW, 1)


def timed(conn, query: str, params: dict, runs: int) -> tuple[float, list]:
    """The median of ``runs`` timings, after two to warm up, in ms; and the result."""
    for _ in range(2):
        conn.execute(query, params).fetchall()
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        result = conn.execute(query, params).fetchall()
        seconds.append(time.perf_counter() - began)
    return round(median(seconds) * 1000, 1), result


def measure_views(conninfo: str, runs: int) -> dict:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(v007_view())
        only_in = [conn.execute(f"select count(*) from (select * from {a} except all"
                                f" select * from {b}) as d").fetchone()[0]
                   for a, b in ((V007_VIEW, VIEW), (VIEW, V007_VIEW))]
        if any(only_in):
            raise SystemExit(f"V007's and the current view differ: {only_in} rows")
        dossier, unit = conn.execute(SAMPLES).fetchone()
        params = {"dossier": dossier, "unit": unit}
        figures = {}
        for name, query in VIEW_QUERIES.items():
            (v007_ms, v007_result), (ms, result) = (
                timed(conn, query.format(view=view), params, runs) for view in (V007_VIEW, VIEW))
            if v007_result != result:
                raise SystemExit(f"V007's and the current view answer {name} differently")
            figures[name] = {"v007_ms": v007_ms, "ms": ms}
            common.log(f"{name}: V007's view {v007_ms} ms, the current one {ms} ms")
    return figures


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
    lines += ["", f"`{VIEW}` over the loaded day, V007's definition against the current one"
              f" (the same rows), medians of {report['runs']} runs:", "",
              "| question | V007's view ms | the current view ms |", "| --- | --- | --- |"]
    for name, figures in report["views"].items():
        lines.append(f"| {name} | {figures['v007_ms']} | {figures['ms']} |")
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
