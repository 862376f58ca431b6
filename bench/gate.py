"""The quality gate alone: the validate task of each entity, this checkout against another copy
of the project (``--before-root``, e.g. the gate before issue 18), over the same staged batches.

One simulator and one Postgres cluster; the pipeline's own stages (``stage.py``) extract and
stage each entity of one national day's batch (``common.Shape``), then ``stage.py validate``
runs over the same staged batch ``--runs`` times for each code, taking turns, each in its own
process under ``/usr/bin/time -v``; then the batch loads, so the next entity's references
resolve. Both codes must record the same figures in ``meta.dq_result`` and the same quarantine:
the benchmark fails otherwise. Reported per entity and code (medians): the process's wall time
(interpreter start included), the task's own time (``seconds``, as ``ingest.py`` reports
stages), the time spent waiting for SQL (``sql_seconds``), and peak RSS.

    .venv/bin/python bench/gate.py --scale 100000 --runs 3 --before-root BEFORE
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import ENTITIES, OUT, Shape, median, run_stage  # noqa: E402
from ingest import code_env  # noqa: E402

TIMEOUT = 1800.0
_RESULT_COLUMNS = ("rule, expectation, expectation_kwargs, is_reference, success, element_count,"
                   " unexpected_count, unexpected_percent, observed")


def _recorded(conninfo: str, batch_id: int) -> tuple:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        results = conn.execute(f"select {_RESULT_COLUMNS} from meta.dq_result"
                               " where batch_id = %s order by rule", (batch_id,)).fetchall()
        run = conn.execute("select n_checked, n_bad_rows, bad_share, is_rejected, gx_version"
                           " from meta.dq_run where batch_id = %s", (batch_id,)).fetchone()
        entity = conn.execute("select entity from meta.load_batch where batch_id = %s",
                              (batch_id,)).fetchone()[0]
        quarantine = conn.execute(
            f"select record_no, rule, expectation, details from quarantine.{entity}"
            " where batch_id = %s order by record_no, rule", (batch_id,)).fetchall()
    return results, run, quarantine


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before-root", type=Path, required=True)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    codes = {"before": code_env(args.before_root), "after": {}}
    shape = Shape(args.scale)
    window = shape.window_args()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or OUT / f"gate-{stamp}.json"
    report: dict = {"started": stamp, "scale": args.scale, "runs": args.runs,
                    "before_root": str(args.before_root), "entities": {}}
    with common.postgres() as pg, common.simulator(shape) as (url, _process):
        conninfo = common.fresh_database(pg, "bench_gate")
        run_stage(["prepare", "--conninfo", conninfo, *window], timeout=TIMEOUT)
        for entity in ENTITIES:
            extracted = run_stage(["extract", "--conninfo", conninfo, "--url", url,
                                   "--entity", entity, *window], timeout=TIMEOUT)
            batch = ["--conninfo", conninfo, "--batch-id", str(extracted.result["batch_id"])]
            run_stage(["stage", *batch], timeout=TIMEOUT)
            runs: dict[str, list[dict]] = {code: [] for code in codes}
            recorded: dict[str, tuple] = {}
            for round_no in range(args.runs):
                order = list(codes) if round_no % 2 == 0 else list(reversed(codes))
                for code in order:
                    load = common.load_average()
                    m = run_stage(["validate", *batch], timeout=TIMEOUT, env=codes[code])
                    runs[code].append({"wall_s": m.wall_s, "seconds": m.seconds,
                                       "sql_seconds": m.result["sql_seconds"],
                                       "cpu_s": m.user_s + m.sys_s, "max_rss_mb": m.max_rss_mb,
                                       "n_checked": m.result["n_checked"],
                                       "n_quarantined": m.result["n_quarantined"],
                                       "load_average_before": load})
                    recorded[code] = _recorded(conninfo, extracted.result["batch_id"])
                    log(f"{entity} {code}: {m.wall_s:.2f} s wall, {m.seconds:.2f} s task,"
                        f" {m.result['sql_seconds']:.2f} s SQL, {m.max_rss_mb:.0f} MB"
                        f" (load {load[0]:.2f})")
            if recorded["before"] != recorded["after"]:
                raise SystemExit(f"{entity}: the two gates recorded different figures")
            run_stage(["load", *batch], timeout=TIMEOUT)
            report["entities"][entity] = {
                code: {**{key: median([r[key] for r in rows])
                          for key in ("wall_s", "seconds", "sql_seconds", "cpu_s",
                                      "max_rss_mb")},
                       "n_checked": rows[0]["n_checked"], "rounds": rows}
                for code, rows in runs.items()}
            common.write_json(output, report)
    report["finished"] = datetime.now().strftime("%Y%m%d-%H%M%S")
    common.write_json(output, report)
    log(f"results: {output}")
    print(render(report))


def render(report: dict) -> str:
    lines = [f"Validate task at {report['scale']:,} dossiers, medians of {report['runs']} runs"
             " (same staged batches, codes taking turns):", "",
             "| entity | rows | code | wall s | task s | SQL s | SQL share | peak RSS MB |"
             " load avg (1 min) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for entity, codes in report["entities"].items():
        for code, m in codes.items():
            loads = ", ".join(f"{r['load_average_before'][0]:.2f}" for r in m["rounds"])
            lines.append(f"| {entity} | {m['n_checked']:,} | {code} | {m['wall_s']:.2f} |"
                         f" {m['seconds']:.2f} | {m['sql_seconds']:.2f} |"
                         f" {m['sql_seconds'] / m['seconds']:.0%} | {m['max_rss_mb']:.0f} |"
                         f" {loads} |")
    totals = {code: sum(codes[code]["wall_s"] for codes in report["entities"].values())
              for code in ("before", "after")}
    lines += ["", f"Summed wall time over the four entities: before {totals['before']:.1f} s,"
              f" after {totals['after']:.1f} s."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
