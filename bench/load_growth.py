"""The dossier load's cost per dossier across sizes, the sizes taking turns.

Issue 18 asks for a per-dossier load cost within ±15 % from 100k to 1M. ``load.py`` measures
one size per command, so two sizes come minutes or hours apart, and this machine's speed
drifts by more than the difference (bench/RESULTS.md). Here one cluster holds a template per
size, built as ``load.py`` builds its own (catalogues loaded, the dossier batch extracted,
staged and checked, not loaded), and each round loads every size once, smallest first in
odd rounds and last in even ones, each time into a fresh copy and in its own process under
``/usr/bin/time -v``. Drift then reaches every size alike. Every load of a size must leave
the same ``dw`` (row count and an order-free checksum of each table the load writes), or the
benchmark fails. Reported per size: the medians of the process's wall time (interpreter
start included) and of the server's CPU, the cost per dossier and its change against the
smallest size, and peak RSS.

    .venv/bin/python bench/load_growth.py --scales 100000 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Shape, median  # noqa: E402
from load import load_once, template  # noqa: E402


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    if not (run := common.start_run(parser, "load-growth", render)):
        return
    args, stamp, output = run
    scales = sorted(set(args.scales))
    report: dict = {"started": stamp, "runs": args.runs, "scales": {}}
    with common.postgres() as pg:
        templates = {}
        for scale in scales:
            shape = Shape(scale)
            with common.simulator(shape) as (url, _process):
                templates[scale] = template(pg, url, shape, {}, f"bench_growth_{scale}")
            common.log(f"template of {scale:,} dossiers built")
        rounds: dict[int, list[dict]] = {scale: [] for scale in scales}
        written: dict[int, dict] = {}
        for round_no in range(args.runs):
            for scale in scales if round_no % 2 == 0 else reversed(scales):
                name, batch_id = templates[scale]
                figures, tables = load_once(pg, name, batch_id, {}, "bench_growth_run")
                if written.setdefault(scale, tables) != tables:
                    raise SystemExit(f"two loads of {scale:,} dossiers left different dw"
                                     f" tables: {written[scale]} against {tables}")
                rounds[scale].append(figures)
                common.log(f"{scale:,}: {figures['wall_s']:.2f} s wall,"
                           f" {figures['server_cpu_s']:.2f} s server CPU"
                           f" (load {figures['load_average_before'][0]:.2f})")
    for scale, runs in rounds.items():
        report["scales"][str(scale)] = {
            **{key: median([r[key] for r in runs])
               for key in ("wall_s", "seconds", "server_cpu_s", "max_rss_mb")},
            "n_loaded": runs[0]["n_loaded"], "dw_tables": written[scale], "rounds": runs}
    common.write_json(output, report)
    common.log(f"results: {output}")
    print(render(report))


def render(report: dict) -> str:
    sizes = report["scales"]
    smallest = sizes[min(sizes, key=int)]
    base_wall = smallest["wall_s"] / smallest["n_loaded"]
    base_cpu = smallest["server_cpu_s"] / smallest["n_loaded"]
    lines = [f"The dossier load task by size, medians of {report['runs']} runs (the sizes"
             " taking turns, each load into a fresh copy):", "",
             "| dossiers | wall s (each run) | server CPU s (each run) | ms per dossier |"
             " per dossier against the smallest (wall, server CPU) | peak RSS MB |"
             " load avg (1 min) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for m in sizes.values():
        walls = ", ".join(f"{r['wall_s']:.2f}" for r in m["rounds"])
        cpus = ", ".join(f"{r['server_cpu_s']:.2f}" for r in m["rounds"])
        loads = ", ".join(f"{r['load_average_before'][0]:.2f}" for r in m["rounds"])
        per_wall, per_cpu = m["wall_s"] / m["n_loaded"], m["server_cpu_s"] / m["n_loaded"]
        lines.append(f"| {m['n_loaded']:,} | {m['wall_s']:.2f} ({walls}) |"
                     f" {m['server_cpu_s']:.2f} ({cpus}) | {1000 * per_wall:.3f} |"
                     f" {per_wall / base_wall - 1:+.1%}, {per_cpu / base_cpu - 1:+.1%} |"
                     f" {m['max_rss_mb']:.0f} | {loads} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
