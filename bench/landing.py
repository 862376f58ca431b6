"""The dossier batch's way in: its extract, stage and validate tasks, this checkout against another
copy of the project (``--before-root``), the two taking turns in one Postgres cluster.

The counterpart of ``load.py`` for the tasks before the load (what the raw landing's storage
or the staging and gate SQL change). One simulator and one cluster; each code gets a template
database with its own migrations (``stage.py prepare``) and the window's catalogues loaded, as
the daily catalogue DAG leaves them. With ``--without-catalogues`` the gate finds no unit or
procedure: it parks every dossier under both reference rules, each quarantine row with the raw
record (a day whose catalogue is late). A warm-up turn goes first and is left out of the
figures: in one 1M pair of turns of the same code, each task ran 21–32 % faster in the
cluster's second turn than in its first (bench/RESULTS.md). Then, ``--runs`` times for each code,
taking turns, a fresh copy of its template and the three tasks of one national day's dossier
batch (``common.Shape``), each in its own process under ``/usr/bin/time -v``. Both codes must
land, stage and quarantine the same rows (counts per table): the benchmark fails otherwise.
Reported per code and task: the process's wall time (medians, and each turn), and how the raw
records were compressed.

    .venv/bin/python bench/landing.py --scale 100000 --runs 4 --before-root BEFORE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Shape, load_catalogues, median, run_stage  # noqa: E402
from history_load import copy_of  # noqa: E402
from ingest import code_env  # noqa: E402

TASKS = ("extract", "stage", "validate")
ENTITY = "ho_so"

# what the three tasks leave, to be the same for both codes; and the raw records' compression
_LANDED = """
select
    (select count(*) from raw.ho_so) as raw_records,
    (select count(*) from staging.ho_so) as staged_dossiers,
    (select count(*) from staging.ho_so_tien_do) as staged_steps,
    (select count(*) from quarantine.ho_so) as quarantined,
    (select count(*) from meta.dq_result) as dq_results
"""
_COMPRESSION = """
select coalesce(pg_column_compression(record), 'none') as method, count(*)
from raw.ho_so group by 1 order by 1
"""


def turn(pg, url: str, shape: Shape, template_name: str, env: dict[str, str]) -> dict:
    """The three tasks into a fresh copy of ``template_name``: their wall times, what they
    left (``_LANDED``) and the raw records' compression."""
    import psycopg
    from psycopg.rows import dict_row

    conninfo = copy_of(pg, template_name, "bench_landing_run")
    load = common.load_average()
    try:
        extracted = run_stage(["extract", "--conninfo", conninfo, "--url", url,
                               "--entity", ENTITY, *shape.window_args()], env=env)
        batch = ["--conninfo", conninfo, "--batch-id", str(extracted.result["batch_id"])]
        staged = run_stage(["stage", *batch], env=env)
        validated = run_stage(["validate", *batch], env=env)
        with psycopg.connect(conninfo, row_factory=dict_row) as conn:
            landed = conn.execute(_LANDED).fetchone()
            compression = {row["method"]: row["count"]
                           for row in conn.execute(_COMPRESSION).fetchall()}
    finally:
        common.drop_database(pg, "bench_landing_run")
    walls = dict(zip(TASKS, (m.wall_s for m in (extracted, staged, validated)), strict=True))
    return {"wall_s": walls, "landed": landed, "compression": compression,
            "load_average_before": load}


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=4)
    common.add_server_setting_option(parser)
    parser.add_argument("--before-root", type=Path,
                        help="the other copy of the project (required unless --render)")
    parser.add_argument("--warmup", type=int, default=1, metavar="TURNS",
                        help="turns of the code after run first and left out of the figures")
    parser.add_argument("--without-catalogues", action="store_true",
                        help="check the dossiers with no unit or procedure loaded (all parked)")
    parser.add_argument("--server-log", type=Path, metavar="PATH",
                        help="keep the cluster's server log there (e.g. with auto_explain in"
                             " --server-setting shared_preload_libraries)")
    if not (run := common.start_run(parser, "landing", render)):
        return
    args, stamp, output = run
    if args.before_root is None:
        parser.error("--before-root is required to measure (only --render goes without it)")
    codes = {"before": code_env(args.before_root), "after": {}}
    shape = Shape(args.scale)
    settings = common.server_settings(args)
    report: dict = {"started": stamp, "scale": args.scale, "runs": args.runs,
                    "before_root": str(args.before_root),
                    "catalogues": not args.without_catalogues,
                    "server_settings": settings,
                    "warmup": [], "turns": {code: [] for code in codes}}
    with (common.postgres(settings, args.server_log) as pg,
          common.simulator(shape) as (url, _process)):
        templates = {}
        for code, env in codes.items():
            templates[code] = f"bench_landing_{code}"
            conninfo = common.fresh_database(pg, templates[code])
            run_stage(["prepare", "--conninfo", conninfo, *shape.window_args()], env=env)
            if not args.without_catalogues:
                load_catalogues(conninfo, url, shape, env)
        for _ in range(args.warmup):
            report["warmup"].append(turn(pg, url, shape, templates["after"], codes["after"]))
            common.log("warm-up: " + _walls(report["warmup"][-1]))
        for round_no in range(args.runs):
            order = list(codes) if round_no % 2 == 0 else list(reversed(codes))
            for code in order:
                done = turn(pg, url, shape, templates[code], codes[code])
                report["turns"][code].append(done)
                common.log(f"{code}: " + _walls(done))
            common.write_json(output, report)
            landed = {code: turns[-1]["landed"] for code, turns in report["turns"].items()}
            if landed["before"] != landed["after"]:
                raise SystemExit(f"the two codes landed different rows: {landed}")
    common.write_json(output, report)
    common.log(f"results: {output}")
    print(render(report))


def _walls(done: dict) -> str:
    return (", ".join(f"{task} {done['wall_s'][task]:.2f} s" for task in TASKS)
            + f" (load {done['load_average_before'][0]:.2f})")


def render(report: dict) -> str:
    # reports written before the option existed loaded no catalogue
    catalogues = ("the catalogues loaded" if report.get("catalogues", False)
                  else "no catalogue loaded: every dossier parked")
    lines = [f"Dossier extract, stage and validate at {report['scale']:,} dossiers ({catalogues}),"
             f" medians of {report['runs']} turns each (codes taking turns, each into a fresh"
             " copy):", "",
             "| code | " + " | ".join(f"{task} s (each turn)" for task in TASKS)
             + " | the three, s | raw records by compression | load avg (1 min) |",
             "| --- | " + " | ".join("---" for _ in TASKS) + " | --- | --- | --- |"]
    medians = {}
    for code, turns in report["turns"].items():
        medians[code] = {task: median([t["wall_s"][task] for t in turns]) for task in TASKS}
        cells = [f"{medians[code][task]:.2f} ("
                 + ", ".join(f"{t['wall_s'][task]:.2f}" for t in turns) + ")" for task in TASKS]
        total = median([sum(t["wall_s"].values()) for t in turns])
        compression = ", ".join(f"{method} {n:,}"
                                for method, n in turns[-1]["compression"].items())
        loads = ", ".join(f"{t['load_average_before'][0]:.2f}" for t in turns)
        lines.append(f"| {code} | " + " | ".join(cells) + f" | {total:.2f} | {compression}"
                     f" | {loads} |")
    if report.get("warmup"):
        lines += ["", "Left out, the warm-up turns (the code after, first in the cluster): "
                  + "; ".join(_walls(done) for done in report["warmup"]) + "."]
    before, after = medians["before"], medians["after"]
    lines += ["", "After against before: " + ", ".join(
        f"{task} {after[task] / before[task] - 1:+.1%}" for task in TASKS) + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
