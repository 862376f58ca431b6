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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import friday  # noqa: E402
import ingest  # noqa: E402
from common import Shape, median  # noqa: E402

SOURCE = "quang_nam"  # one source: the history and the day's batch are the same province's


def template(pg, name: str, history: int, log) -> dict:
    """A database to copy each turn from: migrations and, with ``history``, the year built;
    what it holds before the day (``counts``)."""
    conninfo = common.fresh_database(pg, name)
    common.run_stage(["prepare", "--conninfo", conninfo, *friday.HISTORY_WINDOW], timeout=600)
    built = friday.build(conninfo, history, [SOURCE], log) if history else {}
    return {**built, "counts": common.pipeline_counts(conninfo)}


def copy_of(pg, template_name: str, name: str) -> str:
    """A copy of the template, then a checkpoint: the copy is the benchmark's, not the day's,
    so the load starts as a day's load does, with no checkpoint of other work under way.
    ``file_copy`` copies the files (the default strategy would write the 10M-dossier database
    through the WAL, and its checkpoints would land in the load)."""
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}" template "{template_name}"'
                     " strategy file_copy")
        conn.execute("checkpoint")
    return pg.uri_for(name)


# With --statements: pg_stat_statements' figures of the turn's costliest statements (time,
# buffers read, WAL and its full-page images), to see where a load into history spends more.
_STATEMENTS = """
select left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query, calls,
    round(total_exec_time::numeric / 1000, 2) as seconds, rows, shared_blks_hit,
    shared_blks_read, round(blk_read_time::numeric / 1000, 2) as read_seconds,
    shared_blks_dirtied, wal_fpi, round(wal_bytes / 1048576) as wal_mb
from pg_stat_statements
where dbid = (select oid from pg_database where datname = %s)
order by total_exec_time desc
limit %s
"""


def statement_profile(pg, name: str, limit: int) -> list[dict]:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True, row_factory=dict_row) as conn:
        return [{key: float(value) if key in ("seconds", "read_seconds", "wal_mb") else value
                 for key, value in row.items()}
                for row in conn.execute(_STATEMENTS, (name, limit))]


def reset_statements(pg) -> None:
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements")
        conn.execute("select pg_stat_statements_reset()")


def prewarm_indexes(conninfo: str) -> float:
    """Read every ``dw`` index into the operating system's cache (not Postgres' buffers); return
    their size in MB. A warehouse in use has them there: each day's load and Friday's report
    touch them. A fresh copy of the 10M-dossier template competes for this machine's memory with
    the template itself (two ~17 GB databases, 23 GB of RAM), so without this the history turn
    reads its index pages from disk, which no production day does."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("create extension if not exists pg_prewarm")
        (blocks,) = conn.execute(
            "select coalesce(sum(pg_prewarm(i.indexrelid::regclass, 'read')), 0)"
            " from pg_index as i join pg_class as c on c.oid = i.indrelid"
            " where c.relnamespace = 'dw'::regnamespace").fetchone()
    return blocks * 8192 / 1048576


def turn(pg, shape: Shape, url: str, template_name: str, before: dict[str, int],
         log, statements: int = 0, prewarm: bool = False) -> dict:
    name = f"{template_name}_turn"
    conninfo = copy_of(pg, template_name, name)
    prewarmed_mb = prewarm_indexes(conninfo) if prewarm else 0.0
    if statements:
        reset_statements(pg)
    load = common.load_average()
    try:
        result = ingest.run_pipeline(shape, url, conninfo, prepare=False)
        profile = statement_profile(pg, name, statements) if statements else []
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
            "entities": result["entities"],
            "statements": profile, "prewarmed_index_mb": prewarmed_mb}


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
    for kind in ("empty", "history"):
        if profile := turns[kind][-1].get("statements"):
            lines += [f"\nCostliest statements of the last {kind} turn (pg_stat_statements):\n",
                      "| statement | calls | s | rows | blocks hit | read | read s | dirtied"
                      " | WAL full-page images | WAL MB |",
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
            lines += [f"| `{row['query'][:90]}` | {row['calls']} | {row['seconds']:.2f}"
                      f" | {row['rows']:,} | {row['shared_blks_hit']:,}"
                      f" | {row['shared_blks_read']:,} | {row.get('read_seconds', '–')}"
                      f" | {row['shared_blks_dirtied']:,}"
                      f" | {row['wal_fpi']:,} | {row['wal_mb']:.0f} |" for row in profile]
    return "\n".join(lines)


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=int, default=10_000_000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    common.add_server_setting_option(parser)
    parser.add_argument("--statements", type=int, default=0, metavar="N",
                        help="record each turn's N costliest statements (pg_stat_statements)")
    parser.add_argument("--prewarm", action="store_true",
                        help="read the dw indexes into the OS cache before each turn")
    if not (run := common.start_run(parser, "history-load", render)):
        return
    args, stamp, output = run
    log = common.log
    common.use_sources([SOURCE], output.with_suffix(".sources.yaml"))
    shape = Shape(args.scale)
    settings = common.server_settings(args)
    if args.statements:
        settings.update({"shared_preload_libraries": "pg_stat_statements",
                         "track_io_timing": "on"})
    report: dict = {"started": stamp, "history": args.history, "scale": args.scale,
                    "prewarm": args.prewarm,
                    "server_settings": settings,
                    "turns": {"empty": [], "history": []}}
    with common.postgres(settings) as pg:
        before = {"empty": template(pg, "bench_p7_empty", 0, log)}
        log(f"building {args.history:,} dossiers of history")
        began = time.perf_counter()
        before["history"] = template(pg, "bench_p7_history", args.history, log)
        report["build"] = {**before["history"], "seconds": time.perf_counter() - began}
        with common.simulator(shape) as (url, _process):
            for _run in range(args.runs):
                for kind in ("empty", "history"):
                    report["turns"][kind].append(turn(pg, shape, url, f"bench_p7_{kind}",
                                                      before[kind]["counts"], log,
                                                      args.statements, args.prewarm))
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
