"""The dossier load alone: the load task of one national day's dossier batch, this checkout
against another copy of the project (``--before-root``), each with its own schema, over the
same staged batch.

One simulator and one Postgres cluster. A template database, built by the code before: its
``stage.py prepare`` (its migrations), the catalogues extracted, staged, checked and loaded, and
the dossiers (``common.Shape``) extracted, staged and checked, not loaded; the code after gets a
copy of it with its own ``prepare`` on top (its further migrations). One staged batch for both:
the same batch staged twice loads at speeds up to 10 % apart (the cause is not found,
bench/RESULTS.md), more than a small change. Then ``stage.py load`` of the dossier batch runs
``--runs`` times for each code, taking turns, each time into a fresh copy of its template and in
its own process under ``/usr/bin/time -v``. Every load of both codes must leave the same ``dw``
(row count and an order-free checksum of each table the dossier load writes): the benchmark
fails otherwise. A warm-up load goes first and is left out of the figures (``--warmup``): a
cluster's first turn at a size runs slower, as ``landing.py`` found (bench/RESULTS.md).
Reported per code (medians): the process's wall time (interpreter start included), the task's
own time, the cost per dossier and peak RSS. A single pipeline round mixes
the load with the other stages and, run concurrently, with the release of parked payments; this
isolates it, for changes worth a few per cent.

With ``--history N`` the template first gets N dossiers of history (``bench/friday.py``'s
builder, as ``history_load.py`` builds it, before the catalogues and the batch): the two codes'
loads into a warehouse that already holds a large province's year (P7), the history's schema
the code before's, the code after's migrations applied over it.

    .venv/bin/python bench/load.py --scale 100000 --runs 5 --before-root BEFORE [--history N]
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import friday  # noqa: E402
from common import OUT, Shape, load_catalogues, median, run_batch, run_stage  # noqa: E402
from history_load import SOURCE, copy_of  # noqa: E402
from ingest import code_env  # noqa: E402

MEASURED = "ho_so"
DW_TABLES = ("fact_dossier", "fact_dossier_status", "fact_dossier_supplement",
             "fact_dossier_apology", "dim_date")


def template(pg, url: str, shape: Shape, env: dict[str, str],
             name: str = "bench_load_before", history: int = 0) -> tuple[str, int]:
    """A template database, ``history`` dossiers built in it, then the dossier batch staged
    and checked; (name, batch id)."""
    conninfo = common.fresh_database(pg, name)
    run_stage(["prepare", "--conninfo", conninfo, *shape.window_args()], env=env)
    if history:
        common.log(f"building {history:,} dossiers of history")
        friday.build(conninfo, history, [SOURCE], common.log)
    load_catalogues(conninfo, url, shape, env)
    return name, run_batch(conninfo, url, MEASURED, shape, env, load=False)


def server_cpu_seconds(pg) -> float:
    """CPU time of the cluster's exited processes (the postmaster's reaped children: the load's
    backends once they disconnect, autovacuum workers): the server's side of a load, which the
    task's own CPU time does not include, and steadier than wall time on a shared disk."""
    stat = Path(f"/proc/{common.postmaster_pid(pg)}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def loaded_tables(conninfo: str) -> dict[str, tuple[int, int]]:
    """Per dw table the load writes: (rows, sum of a hash of each row's text)."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        return {table: tuple(conn.execute(
            f"select count(*), coalesce(sum(hashtext(t::text)), 0) from dw.{table} as t"
        ).fetchone()) for table in DW_TABLES}


def load_once(pg, template_name: str, batch_id: int, env: dict[str, str],
              run_database: str = "bench_load_run") -> tuple[dict, dict]:
    """``stage.py load`` of the template's staged batch into a fresh copy, in its own process
    under ``time -v``: its figures, and what it left in ``dw`` (``loaded_tables``)."""
    conninfo = copy_of(pg, template_name, run_database)
    load = common.load_average()
    server_cpu = server_cpu_seconds(pg)
    m = run_stage(["load", "--conninfo", conninfo, "--batch-id", str(batch_id)], env=env)
    server_cpu = server_cpu_seconds(pg) - server_cpu
    written = loaded_tables(conninfo)
    common.drop_database(pg, run_database)
    return {"wall_s": m.wall_s, "seconds": m.seconds, "cpu_s": m.user_s + m.sys_s,
            "server_cpu_s": server_cpu, "max_rss_mb": m.max_rss_mb,
            "n_loaded": m.result["n_loaded"], "load_average_before": load}, written


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before-root", type=Path, required=True)
    common.add_server_setting_option(parser)
    parser.add_argument("--history", type=int, default=0, metavar="N",
                        help="dossiers of history in the warehouse before the load (P7)")
    parser.add_argument("--warmup", type=int, default=1, metavar="TURNS",
                        help="loads of the code after run first and left out of the figures")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    codes = {"before": code_env(args.before_root), "after": {}}
    shape = Shape(args.scale)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or OUT / f"load-{stamp}.json"
    settings = common.server_settings(args)
    report: dict = {"started": stamp, "scale": args.scale, "runs": args.runs,
                    "history": args.history, "before_root": str(args.before_root),
                    "server_settings": settings, "warmup": [], "codes": {}}
    if args.history:  # one source: the history's and the batch's, as history_load.py
        common.use_sources([SOURCE], output.with_suffix(".sources.yaml"))
    with common.postgres(settings) as pg, common.simulator(shape) as (url, _process):
        before, batch_id = template(pg, url, shape, codes["before"], history=args.history)
        after = copy_of(pg, before, "bench_load_after")
        run_stage(["prepare", "--conninfo", after, *shape.window_args()], env=codes["after"])
        templates = {"before": before, "after": "bench_load_after"}
        for _ in range(args.warmup):
            figures, _written = load_once(pg, templates["after"], batch_id, codes["after"])
            report["warmup"].append(figures)
            common.log(f"warm-up: {figures['wall_s']:.2f} s wall")
        runs: dict[str, list[dict]] = {code: [] for code in codes}
        written: dict[str, dict] = {}
        for round_no in range(args.runs):
            order = list(codes) if round_no % 2 == 0 else list(reversed(codes))
            for code in order:
                figures, written[code] = load_once(pg, templates[code], batch_id, codes[code])
                runs[code].append(figures)
                common.log(f"{code}: {figures['wall_s']:.2f} s wall, {figures['seconds']:.2f} s"
                           f" task, {figures['server_cpu_s']:.2f} s server CPU,"
                           f" {figures['max_rss_mb']:.0f} MB"
                           f" (load {figures['load_average_before'][0]:.2f})")
            if written["before"] != written["after"]:
                raise SystemExit(f"the two loads left different dw tables: {written}")
        report["dw_tables"] = written["after"]
        report["codes"] = {
            code: {**{key: median([r[key] for r in rows])
                      for key in ("wall_s", "seconds", "cpu_s", "server_cpu_s", "max_rss_mb")},
                   "n_loaded": rows[0]["n_loaded"], "rounds": rows}
            for code, rows in runs.items()}
    report["finished"] = datetime.now().strftime("%Y%m%d-%H%M%S")
    common.write_json(output, report)
    common.log(f"results: {output}")
    print(render(report))


def render(report: dict) -> str:
    history = (f", into {report['history']:,} dossiers of history"
               if report.get("history") else "")
    lines = [f"Dossier load task at {report['scale']:,} dossiers{history}, medians of"
             f" {report['runs']} runs (same staged batch, codes taking turns, each into a fresh"
             " copy):", "",
             "| code | dossiers loaded | wall s (each run) | task s | server CPU s (each run) |"
             " ms per dossier | peak RSS MB | load avg (1 min) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for code, m in report["codes"].items():
        walls = ", ".join(f"{r['wall_s']:.2f}" for r in m["rounds"])
        cpus = ", ".join(f"{r['server_cpu_s']:.2f}" for r in m["rounds"])
        loads = ", ".join(f"{r['load_average_before'][0]:.2f}" for r in m["rounds"])
        lines.append(f"| {code} | {m['n_loaded']:,} | {m['wall_s']:.2f} ({walls}) |"
                     f" {m['seconds']:.2f} | {m['server_cpu_s']:.2f} ({cpus}) |"
                     f" {1000 * m['wall_s'] / m['n_loaded']:.3f} |"
                     f" {m['max_rss_mb']:.0f} | {loads} |")
    before, after = (report["codes"][code] for code in ("before", "after"))
    lines += ["", f"After against before: {after['wall_s'] / before['wall_s'] - 1:+.1%} wall"
              f" time, {after['server_cpu_s'] / before['server_cpu_s'] - 1:+.1%} server CPU."]
    if report.get("warmup"):
        lines += ["", "Left out, the warm-up loads (the code after, first in the cluster): "
                  + ", ".join(f"{w['wall_s']:.2f} s" for w in report["warmup"]) + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
