"""P7: a day's load into a warehouse that already holds a year of history, against an empty one.

Two databases in one Postgres cluster, the same day's batch into each, the same way:

- ``empty``: the migrations only;
- ``history``: the migrations, then ``--history`` dossiers over the year before 2026-03-27
  with their status steps, supplement rounds, apology letters and payments, 3,000 units and
  2,000 procedures, generated in SQL by ``bench/friday.py``'s builder (indexes built after the
  bulk insert, tables analysed) — a large province's year (10M is issue 18's size).

Then one national day's batch of ``--scale`` dossiers (``common.Shape``: each dossier with its
whole history, its payments, the unit and procedure catalogues) goes through the pipeline's
own tasks, one process each, one after the other (``ingest.run_pipeline``, serial), into both,
the two taking turns ``--runs`` times (each turn a fresh copy of its database from a template,
so every turn loads into the same warehouse). The batch's dossier codes are not in the
generated history: every dossier is a new row among the history's, as a day's new dossiers
are. The figure of P7 is the load task's cost per dossier (its process wall time ÷ dossiers)
with history against without; the other stages are reported too.

    .venv/bin/python bench/history_load.py --history 10000000 --scale 100000 --runs 3
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import friday  # noqa: E402
import ingest  # noqa: E402
from common import OUT, Shape, median  # noqa: E402

SOURCE = "quang_nam"  # one source: the history and the day's batch are the same province's


def template(pg, name: str, history: int, log) -> dict:
    """A database to copy each turn from: migrations and, with ``history``, the year built;
    what it holds before the day (``counts``)."""
    conninfo = common.fresh_database(pg, name)
    common.run_measured([str(common.BENCH / "stage.py"), "prepare", "--conninfo", conninfo,
                         "--window-start", "2025-01-01T00:00:00+07:00",
                         "--window-end", "2026-12-31T00:00:00+07:00"], timeout=600)
    built = friday.build(conninfo, history, [SOURCE], log) if history else {}
    return {**built, "counts": common.pipeline_counts(conninfo)}


def copy_of(pg, template_name: str, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}" template "{template_name}"')
    return pg.uri_for(name)


def turn(pg, shape: Shape, url: str, template_name: str, before: dict[str, int],
         log) -> dict:
    name = f"{template_name}_turn"
    conninfo = copy_of(pg, template_name, name)
    load = common.load_average()
    try:
        result = ingest.run_pipeline(shape, url, conninfo, publish=False, prepare=False)
    finally:
        common.drop_database(pg, name)
    per_dossier_ms = {stage: 1000 * result["entities"]["ho_so"][stage]["seconds"] / shape.scale
                      for stage in ingest.STAGES}
    log(f"  {template_name}: ho_so load {result['entities']['ho_so']['load']['seconds']:.1f} s,"
        f" {per_dossier_ms['load']:.3f} ms a dossier (load average {load[0]:.2f})")
    return {"seconds": result["seconds"], "ho_so_ms_per_dossier": per_dossier_ms,
            "giao_dich_load_s": result["entities"]["giao_dich"]["load"]["seconds"],
            # what the day added: the same in both warehouses, or a figure compares nothing
            "counts": {key: n - before[key] for key, n in result["counts"].items()},
            "load_average_before": load,
            "entities": result["entities"]}


def render(report: dict) -> str:
    turns = report["turns"]
    lines = [f"\n### One day of {report['scale']:,} dossiers into an empty warehouse and into one"
             f" holding {report['history']:,} dossiers (medians of {len(turns['empty'])})\n",
             "| warehouse | dossiers before | ho_so extract | stage | validate | load"
             " (ms a dossier) | giao_dich load s | whole day s | load avg |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for kind, before in (("empty", 0), ("history", report["history"])):
        done = turns[kind]
        cost = {stage: median([t["ho_so_ms_per_dossier"][stage] for t in done])
                for stage in ingest.STAGES}
        lines.append(
            f"| {kind} | {before:,} | " + " | ".join(f"{cost[s]:.3f}" for s in ingest.STAGES)
            + f" | {median([t['giao_dich_load_s'] for t in done]):.1f}"
            f" | {median([t['seconds'] for t in done]):.1f}"
            f" | {', '.join(str(round(t['load_average_before'][0], 2)) for t in done)} |")
    empty = median([t["ho_so_ms_per_dossier"]["load"] for t in turns["empty"]])
    history = median([t["ho_so_ms_per_dossier"]["load"] for t in turns["history"]])
    lines.append("\nThe dossier load's cost per dossier with the history:"
                 f" {history / empty - 1:+.0%} against the empty warehouse (P7: within ±15 %).")
    return "\n".join(lines)


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, default=10_000_000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--render", type=Path, help="print the tables of an earlier run")
    args = parser.parse_args()
    if args.render:
        common.print_rendered(args.render, render)
        return
    log = common.log
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or OUT / f"history-load-{stamp}.json"
    common.use_sources([SOURCE], output.with_suffix(".sources.yaml"))
    shape = Shape(args.scale)
    report: dict = {"started": stamp, "history": args.history, "scale": args.scale,
                    "server_settings": common.SERVER_SETTINGS,
                    "turns": {"empty": [], "history": []}}
    with common.postgres() as pg:
        before = {"empty": template(pg, "bench_p7_empty", 0, log)}
        log(f"building {args.history:,} dossiers of history")
        began = time.perf_counter()
        before["history"] = template(pg, "bench_p7_history", args.history, log)
        report["build"] = {**before["history"], "seconds": time.perf_counter() - began}
        with common.simulator(shape) as (url, _process):
            for _run in range(args.runs):
                for kind in ("empty", "history"):
                    report["turns"][kind].append(turn(pg, shape, url, f"bench_p7_{kind}",
                                                      before[kind]["counts"], log))
                common.write_json(output, report)
    unequal = [line for turns in zip(*report["turns"].values(), strict=True)
               for line in common.unequal_counts(dict(zip(report["turns"], turns, strict=True)))]
    common.write_json(output, report)
    log(f"results: {output}")
    print(render(report))
    if unequal:
        sys.exit(f"the two warehouses loaded different counts: {unequal}")


if __name__ == "__main__":
    main()
