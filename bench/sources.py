"""Several sources' daily runs at once through the pipeline (issue 14, part 4), against the same
sources loaded one after the other.

``--sources K`` simulators (``python -m simulator``), each its own province: its own
``--province-code`` (H10, H11, …) and seed, each serving ``--scale`` dossiers of one national
day's batch in one window (``common.Shape``). One warehouse (a fresh database of the private
Postgres cluster per mode) is configured with those K sources (a source list written for the
run, ``TTHC_SOURCES_FILE``: one tree per source and the national rollup ``toan_quoc`` over
them). For each source, the pipeline's own functions, each stage in its own process as an
Airflow task is: for don_vi, thu_tuc, ho_so, giao_dich, ``extract_to_raw(source_code=…)`` →
``stage_batch`` → ``validate_batch`` → ``load_batch``, as that source's daily DAG runs them.

Modes (``--modes``):

- ``concurrent``: the K sources' runs start together, each in its own thread driving its own
  stage processes (as Airflow's executor runs each source's DAG in its own task processes);
- ``sequential``: the same K runs one after the other.

Then ``publish_snapshot`` for the first province's tree and for ``toan_quoc``. Reported per
source and in total: wall time, dossiers/s, peak RSS of every stage process; the 1-minute load
average before and after each mode. Asserted: every entity of every source loaded all it
extracted (``n_loaded + n_quarantined = n_extracted``) and ``dw.fact_dossier`` holds
``--scale`` rows per source.

    .venv/bin/python bench/sources.py --sources 2 --scale 100000
    .venv/bin/python bench/sources.py --sources 4 --scale 100000 --modes concurrent sequential
    .venv/bin/python bench/sources.py --render bench/out/sources-….json   # the tables again
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import ingest  # noqa: E402
from common import ENTITIES, Shape  # noqa: E402

MODES = ("concurrent", "sequential")


def _shapes(codes: list[str], scale: int) -> dict[str, Shape]:
    return {code: Shape(scale, seed=2022 + i, province_code=common.province_code(i))
            for i, code in enumerate(codes)}


def _run_source(shape: Shape, url: str, conninfo: str, code: str) -> dict:
    began = time.perf_counter()
    try:
        result = ingest.run_pipeline(shape, url, conninfo, prepare=False,
                                     source_code=code)
    except RuntimeError as error:  # a failed stage: reported, the other sources go on
        result = {"error": str(error)[-3000:]}
    result["elapsed_s"] = time.perf_counter() - began
    return result


def run_mode(mode: str, shapes: dict[str, Shape], urls: dict[str, str], conninfo: str,
             log) -> dict:
    results: dict[str, dict] = {}
    load_before = common.load_average()
    samples: list[float] = []  # the 1-minute load average every 10 s while the mode runs
    done = threading.Event()

    def sample() -> None:
        while not done.wait(10):
            samples.append(common.load_average()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    if mode == "concurrent":
        def work(code: str) -> None:
            results[code] = _run_source(shapes[code], urls[code], conninfo, code)

        threads = [threading.Thread(target=work, args=(code,), name=code) for code in shapes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for code in shapes:
            results[code] = _run_source(shapes[code], urls[code], conninfo, code)
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    scale = sum(shape.scale for shape in shapes.values())
    for code, result in results.items():
        if "error" in result:
            log(f"  {mode} {code}: FAILED {result['error'][-500:]}")
        else:
            result["dossiers_per_s"] = shapes[code].scale / result["elapsed_s"]
            log(f"  {mode} {code}: {result['elapsed_s']:.1f} s "
                f"({result['dossiers_per_s']:,.0f} dossiers/s), peak RSS "
                f"{result['max_rss_mb']:.0f} MB")
    log(f"  {mode}: {elapsed:.1f} s in all, {scale / elapsed:,.0f} dossiers/s "
        f"(load {load_before[0]:.2f} before, {common.load_average()[0]:.2f} after)")
    return {"elapsed_s": elapsed, "dossiers_per_s": scale / elapsed, "sources": results,
            "load_average_before": load_before, "load_average_after": common.load_average(),
            "load_average_during": samples}


def check_counts(mode_result: dict, shapes: dict[str, Shape], conninfo: str) -> dict:
    """Every source loaded what it extracted, and dw.fact_dossier holds its ``scale`` dossiers."""
    import psycopg

    problems = []
    for code, result in mode_result["sources"].items():
        if "error" in result:
            problems.append(f"{code}: failed")
            continue
        for entity in ENTITIES:
            load = result["entities"][entity]["load"]
            if load["n_loaded"] + load["n_quarantined"] != load["n_extracted"]:
                problems.append(f"{code} {entity}: loaded {load['n_loaded']} + quarantined "
                                f"{load['n_quarantined']} != extracted {load['n_extracted']}")
    with psycopg.connect(conninfo) as conn:
        facts = dict(conn.execute(
            "select source_code, count(*) from dw.fact_dossier group by source_code").fetchall())
        payments = dict(conn.execute(
            "select source_code, count(*) from dw.fact_payment group by source_code").fetchall())
    for code, shape in shapes.items():
        if facts.get(code) != shape.scale:
            problems.append(f"{code}: dw.fact_dossier has {facts.get(code)} rows, "
                            f"expected {shape.scale}")
    if problems:
        raise AssertionError("; ".join(problems))
    return {"fact_dossier": facts, "fact_payment": payments}


def publish(conninfo: str, shape: Shape, tree: str) -> dict:
    report_date = shape.report_date
    common.run_stage(["publish", "--conninfo", conninfo,
                      "--report-date", (report_date - timedelta(days=7)).isoformat(),
                      "--tree-code", tree], timeout=1800)
    load = common.load_average()
    m = common.run_stage(["publish", "--conninfo", conninfo,
                          "--report-date", report_date.isoformat(), "--tree-code", tree],
                         timeout=1800)
    return {**ingest._summary(m), "load_average_before": load}


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=2)
    parser.add_argument("--scale", type=int, default=100_000, help="dossiers per source")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    if not (run := common.start_run(parser, lambda args: f"sources-{args.sources}x{args.scale}",
                                    render)):
        return
    args, stamp, output = run

    def log(message: str) -> None:
        print(f"{datetime.now():%H:%M:%S} {message}", file=sys.stderr, flush=True)

    codes = common.source_codes(args.sources)
    common.use_sources(codes, output.with_suffix(".sources.yaml"))
    shapes = _shapes(codes, args.scale)
    report: dict = {"started": stamp, "sources": codes, "scale": args.scale,
                    "shapes": {code: shape.__dict__ for code, shape in shapes.items()},
                    "server_settings": common.SERVER_SETTINGS, "cores": _cores(), "modes": {}}
    with common.postgres() as pg, _simulators(shapes) as urls:
        for mode in args.modes:
            name = f"bench_sources_{mode}"
            conninfo = common.fresh_database(pg, name)
            any_shape = next(iter(shapes.values()))
            prepared = ingest._summary(ingest._stage(
                ["prepare", "--conninfo", conninfo, *any_shape.window_args()], any_shape))
            log(f"{mode}: {len(codes)} sources × {args.scale:,} dossiers "
                f"(load average {common.load_average()[0]:.2f})")
            result = run_mode(mode, shapes, urls, conninfo, log)
            result["prepare"] = prepared
            report["modes"][mode] = result
            common.write_json(output, report)
            result["counts"] = check_counts(result, shapes, conninfo)
            log(f"  counts: {result['counts']['fact_dossier']}")
            trees = [codes[0]] + ([common.NATIONAL_TREE] if len(codes) > 1 else [])
            result["publish"] = {tree: publish(conninfo, any_shape, tree) for tree in trees}
            for tree, published in result["publish"].items():
                log(f"  publish {tree}: {published['seconds']:.1f} s "
                    f"({published['unit_count']} units; load "
                    f"{published['load_average_before'][0]:.2f})")
            result["db_mb"] = common.database_size_mb(conninfo)
            common.write_json(output, report)
            common.drop_database(pg, name)
    report["finished"] = datetime.now().strftime("%Y%m%d-%H%M%S")
    common.write_json(output, report)
    log(f"results: {output}")
    print(render(report))


def _cores() -> int:
    import os

    return os.cpu_count() or 0


class _simulators:
    """One simulator process per source, all serving at once; yields {source: url}."""

    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes
        self._contexts: list = []

    def __enter__(self) -> dict[str, str]:
        urls = {}
        try:
            for code, shape in self.shapes.items():
                context = common.simulator(shape)
                url, _process = context.__enter__()
                self._contexts.append(context)
                urls[code] = url
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return urls

    def __exit__(self, *exc) -> None:
        while self._contexts:
            self._contexts.pop().__exit__(*exc)


def render(report: dict) -> str:
    """Markdown tables: per source and in total, per mode."""
    lines = [f"{len(report['sources'])} sources × {report['scale']:,} dossiers", "",
             "| mode | source | wall s | dossiers/s | extract / stage / validate / load s "
             "| peak RSS MB per process: extract / stage / validate / load "
             "| load avg (1 min) before → after (during) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for mode, result in report["modes"].items():
        load = (f"{result['load_average_before'][0]:.2f} → "
                f"{result['load_average_after'][0]:.2f}")
        during = result.get("load_average_during")
        if during:
            load += (f" (during: {min(during):.2f}–{max(during):.2f}, "
                     f"median {common.median(during):.2f})")
        for code, source in result["sources"].items():
            if "error" in source:
                lines.append(f"| {mode} | {code} | failed | | | | |")
                continue
            stages = " / ".join(f"{source['per_stage'][name]:.1f}" for name in ingest.STAGES)
            rss = " / ".join(f"{source['max_rss_by_stage'][name]:.0f}"
                             for name in ingest.STAGES)
            lines.append(f"| {mode} | {code} | {source['elapsed_s']:.1f} | "
                         f"{source['dossiers_per_s']:,.0f} | {stages} | {rss} | |")
        lines.append(f"| {mode} | **all** | **{result['elapsed_s']:.1f}** | "
                     f"**{result['dossiers_per_s']:,.0f}** | | | {load} |")
    modes = report["modes"]
    if set(MODES) <= set(modes):
        ratio = modes["sequential"]["elapsed_s"] / modes["concurrent"]["elapsed_s"]
        lines += ["", f"concurrent speed-up over sequential: {ratio:.2f}×"]
    for mode, result in modes.items():
        for tree, published in result.get("publish", {}).items():
            lines.append(f"- {mode}: publish_snapshot {tree}: {published['seconds']:.1f} s, "
                         f"{published['unit_count']} units, {published['max_rss_mb']:.0f} MB "
                         f"(load {published['load_average_before'][0]:.2f})")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
