"""National-scale ingest: the pipeline against the physical limit and its peers, in one run.

For each scale (dossiers in one national day's batch, see ``common.Shape``), against one
simulator process per scale and one Postgres cluster, each contender in its own fresh database:

- ``serve``: the simulator's own serving speed (every page fetched and thrown away);
- ``limit``: the same records fetched the same way (the next page prefetched) and COPY'd into
  an unindexed jsonb table;
- ``pipeline``: the real ingest, the functions the DAG tasks call, each task its own process,
  the three daily DAGs at once as the scheduler starts them (catalogues, dossiers, payments:
  each prepare, then its entities' extract → stage → validate → load); then the Friday
  materialisation (``publish_snapshot``) for the shape's report date, reported apart;
- ``pipeline-serial``: the same tasks one after the other, as a backfill runs them;
- ``dlt``, ``dlt-tuned``: dlt's REST API source into the same Postgres (``bench/peers_dlt.py``,
  in ``bench/.venv-peers``), with its defaults and tuned;
- ``naive``: requests + ``pandas.json_normalize`` + ``DataFrame.to_sql``
  (``bench/naive_pandas.py``).

Every process runs under ``/usr/bin/time -v`` (wall, CPU, peak RSS); a contender's time is its
processes' wall time, interpreter start included (the concurrent pipeline: the elapsed time of
the whole run). The CPU time the whole machine spent meanwhile is recorded too
(``common.cpu_account``: Postgres, the simulator, the rest), and the report turns it into the
cores each contender kept busy. After each contender its tables are counted the same way, and a
round whose contenders stored different counts fails the run. Contenders take turns within a
round (in the order given, reversed in even rounds), rounds repeat (``--runs``) and the report
gives medians. The sizes take turns too (a
simulator serves each for the whole run): round 1 of every size, smallest first, then round 2
largest first, and so on, so that a comparison across sizes is not a comparison across half an
hour of a drifting machine. ``--daily-window PER_DAY`` then runs ``bench/daily_window.py``'s
scenario (P8) in the same run. Results go to ``bench/out/ingest-<time>.json`` and a Markdown
summary on stdout.

    .venv/bin/python bench/ingest.py --scales 100000 1000000 --runs 3
    .venv/bin/python bench/ingest.py --scales 10000 --runs 1 --contenders serve limit pipeline
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import ENTITIES, OUT, Measured, Shape, median, run_measured  # noqa: E402

CONTENDERS = ("serve", "limit", "pipeline", "dlt", "dlt-tuned", "naive", "pipeline-serial",
              "pipeline-before")
STAGES = ("extract", "stage", "validate", "load")
BEFORE_ROOT: Path | None = None
# Generous bounds per process (seconds per 1,000 dossiers, and a floor): a stuck stage fails
# the benchmark instead of hanging it.
TIMEOUT_PER_K, TIMEOUT_FLOOR = 2.0, 300.0


def _timeout(shape: Shape, factor: float = 1.0) -> float:
    return max(TIMEOUT_FLOOR, factor * TIMEOUT_PER_K * shape.scale / 1000)


# The code under test: this checkout, or (contender pipeline-before, --before-root) another
# copy of the project, e.g. the code before an optimisation, run by this checkout's stage.py.
_CODE_ENV: dict[str, str] = {}


def _stage(args: list[str], shape: Shape, factor: float = 1.0) -> Measured:
    return common.run_stage(args, timeout=_timeout(shape, factor), env=_CODE_ENV)


def code_env(root: Path | None) -> dict[str, str]:
    if root is None:
        return {}
    return {"PYTHONPATH": f"{root / 'include'}:{root}", "TTHC_PROJECT_ROOT": str(root)}


def _summary(m: Measured) -> dict:
    """``seconds`` is the process's wall time, interpreter start and exit included (what an
    executor waits for); ``own_seconds`` the stage's own timer, for the record."""
    return {"seconds": m.wall_s, "own_seconds": m.seconds, "wall_s": m.wall_s,
            "cpu_s": m.user_s + m.sys_s, "max_rss_mb": m.max_rss_mb,
            "tree_rss_mb": m.tree_rss_mb, **{k: v for k, v in m.result.items() if k != "seconds"}}


def run_serve(shape: Shape, url: str) -> dict:
    entities = {}
    for entity in ENTITIES:
        m = _stage(["serve", "--url", url, "--entity", entity, *shape.window_args()], shape)
        entities[entity] = _summary(m)
    return {"seconds": sum(e["seconds"] for e in entities.values()),
            "max_rss_mb": max(e["max_rss_mb"] for e in entities.values()),
            "entities": entities}


def run_limit(shape: Shape, url: str, conninfo: str) -> dict:
    """Each entity fetched (the next page prefetched) and COPY'd, one after the other."""
    entities = {}
    for entity in ENTITIES:
        m = _stage(["limit", "--conninfo", conninfo, "--url", url, "--entity", entity,
                    *shape.window_args()], shape)
        entities[entity] = _summary(m)
    return {"seconds": sum(e["seconds"] for e in entities.values()),
            "max_rss_mb": max(e["max_rss_mb"] for e in entities.values()),
            "records": {entity: e["n_records"] for entity, e in entities.items()},
            "counts": common.limit_counts(conninfo),
            "db_mb": common.database_size_mb(conninfo), "entities": entities}


# Production runs three DAGs at once, each prepare_warehouse → its entities' task groups
# (the catalogue DAG's two groups side by side): tthc_pipeline.orchestration.daily.
DAILY_DAGS = {"catalogues": ("don_vi", "thu_tuc"), "dossiers": ("ho_so",),
              "payments": ("giao_dich",)}


def _task(args: list[str], shape: Shape, conninfo: str, factor: float = 1.0) -> dict:
    """One task's process, with what the cluster did meanwhile (common.cluster_marks: the
    whole cluster's, so another task running at the same time adds its own) and the seconds
    autovacuum workers were seen busy, per table (common.autovacuum_watch)."""
    before = common.cluster_marks(conninfo)
    with common.autovacuum_watch(conninfo) as autovacuum:
        summary = _summary(_stage(args, shape, factor))
    after = common.cluster_marks(conninfo)
    return {**summary, "wal_mb": (after["wal_bytes"] - before["wal_bytes"]) / 1e6,
            "temp_mb": (after["temp_bytes"] - before["temp_bytes"]) / 1e6,
            **{name: after[name] - before[name]
               for name in ("checkpoints", "blocks_read")},
            "autovacuum_s": autovacuum}


class _DayLoads:
    """The day's loads as the concurrent DAGs see each other's (``orchestration.waiting``): an
    entity's load has ended, in whatever state; and which loads each gate of the code under
    test waits for, looking every ``poke_interval`` seconds as its sensor does."""

    def __init__(self, awaited: dict[str, dict]) -> None:
        self.awaited = awaited  # entity -> stage.py awaited's answer
        self.ended = {entity: threading.Event() for entity in ENTITIES}

    def wait_before_gate(self, entity: str) -> float:
        """Wait as the entity's sensor would: look now, then every poke interval, until every
        load it waits for has ended; return the seconds waited."""
        awaited, began = self.awaited[entity], time.perf_counter()
        while not all(self.ended[name].is_set() for name in awaited["entities"]):
            time.sleep(awaited["poke_interval"])
        return time.perf_counter() - began


def gate_waits(shape: Shape) -> dict[str, dict]:
    """``stage.py awaited`` of the code under test for every entity (before timing starts)."""
    return {entity: _stage(["awaited", "--entity", entity], shape).result for entity in ENTITIES}


def _entity_run(shape: Shape, url: str, conninfo: str, entity: str,
                source_arg: list[str], day: _DayLoads | None = None) -> dict:
    """One entity's task group: extract → stage → validate → load, each its own process; with
    ``day`` (the concurrent DAGs), the wait before the gate the code under test has, if any."""
    try:
        stages = {"extract": _task(["extract", "--conninfo", conninfo, "--url", url, "--entity",
                                    entity, *shape.window_args(), *source_arg], shape,
                                   conninfo)}
        batch = ["--conninfo", conninfo, "--batch-id", str(stages["extract"]["batch_id"])]
        for name in STAGES[1:]:
            waited = day.wait_before_gate(entity) if name == "validate" and day else 0.0
            stages[name] = {**_task([name, *batch], shape, conninfo, factor=2.0),
                            "waited_before_s": waited}
    finally:
        if day is not None:
            day.ended[entity].set()
    return stages


def _prepare(shape: Shape, conninfo: str) -> dict:
    return _task(["prepare", "--conninfo", conninfo, *shape.window_args()], shape, conninfo)


def _dag_run(shape: Shape, url: str, conninfo: str, entities: tuple[str, ...],
             source_arg: list[str], prepare: bool,
             day: _DayLoads) -> tuple[dict | None, dict[str, dict]]:
    """One daily DAG: prepare_warehouse, then its entities' groups side by side."""
    try:
        prepared = _prepare(shape, conninfo) if prepare else None
    except BaseException:
        for entity in entities:  # no load of this DAG is coming: nothing waits for one
            day.ended[entity].set()
        raise
    with ThreadPoolExecutor(max_workers=len(entities)) as pool:
        futures = {entity: pool.submit(_entity_run, shape, url, conninfo, entity, source_arg,
                                       day)
                   for entity in entities}
        return prepared, {entity: future.result() for entity, future in futures.items()}


def run_pipeline(shape: Shape, url: str, conninfo: str, prepare: bool = True,
                 source_code: str | None = None, concurrent: bool = False) -> dict:
    """One source's daily run, each task its own process as Airflow runs it. ``concurrent``: the
    three daily DAGs at once, as the scheduler starts them (``seconds`` is then the elapsed time
    from the first process's start to the last one's end); else (prepare,) then every entity
    one after the other (``seconds`` is the sum of the processes' wall times). ``source_code``
    names the source of the batches (default: the first configured source)."""
    source_arg = ["--source-code", source_code] if source_code else []
    day = _DayLoads(gate_waits(shape)) if concurrent else None
    began = time.perf_counter()
    if concurrent:
        with ThreadPoolExecutor(max_workers=len(DAILY_DAGS)) as pool:
            runs = [pool.submit(_dag_run, shape, url, conninfo, group, source_arg, prepare, day)
                    for group in DAILY_DAGS.values()]
            done = [run.result() for run in runs]
        prepares = [prepared for prepared, _ in done if prepared]
        entities = {e: stages for _, by_entity in done for e, stages in by_entity.items()}
        entities = {e: entities[e] for e in ENTITIES}
    else:
        prepares = [_prepare(shape, conninfo)] if prepare else []
        entities = {entity: _entity_run(shape, url, conninfo, entity, source_arg)
                    for entity in ENTITIES}
    elapsed = time.perf_counter() - began
    per_stage = {name: sum(entities[e][name]["seconds"] for e in ENTITIES) for name in STAGES}
    prepare_s = sum(p["seconds"] for p in prepares)
    source = sum(entities[e]["extract"]["source_seconds"] for e in ENTITIES)
    result = {
        "seconds": elapsed if concurrent else prepare_s + sum(per_stage.values()),
        "concurrent": concurrent,
        "process_seconds": prepare_s + sum(per_stage.values()),
        "per_stage": {"prepare": prepare_s, **per_stage, "extract_source": source},
        "max_rss_mb": max(s["max_rss_mb"] for stages in entities.values()
                          for s in stages.values()),
        "max_rss_by_stage": {name: max(entities[e][name]["max_rss_mb"] for e in ENTITIES)
                             for name in STAGES},
        "records": {e: entities[e]["extract"]["n_received"] for e in ENTITIES},
        "loaded": {e: entities[e]["load"]["n_loaded"] for e in ENTITIES},
        "quarantined": {e: entities[e]["load"]["n_quarantined"] for e in ENTITIES},
        "prepare": prepares, "entities": entities,
    }
    result["counts"] = common.pipeline_counts(conninfo)
    result["db_mb"] = common.database_size_mb(conninfo)
    return result


def run_publish(shape: Shape, conninfo: str) -> dict:
    """The Friday materialisation (``publish_snapshot``) over what the pipeline loaded."""
    return _summary(_stage(["publish", "--conninfo", conninfo,
                            "--report-date", shape.report_date.isoformat()], shape))


def run_peer(kind: str, shape: Shape, url: str, conninfo: str) -> dict:
    if kind == "naive":
        script, python = "naive_pandas.py", common.PYTHON
        extra: list[str] = []
    else:
        script, python = "peers_dlt.py", common.PEERS_PYTHON
        extra = ["--tuned"] if kind == "dlt-tuned" else []
    start, end = shape.window_text()
    m = run_measured([str(common.BENCH / script), "--url", url, "--token", common.TOKEN,
                      "--conninfo", conninfo, "--window-start", start, "--window-end", end,
                      "--workdir", str(OUT / "peers" / kind), *extra],
                     timeout=_timeout(shape, 6.0), python=python)
    return {**_summary(m), "counts": common.peer_counts(kind, m.result.get("rows", {})),
            "db_mb": common.database_size_mb(conninfo)}


def run_contender(kind: str, shape: Shape, url: str, conninfo: str) -> dict:
    if kind == "serve":
        return run_serve(shape, url)
    if kind == "limit":
        return run_limit(shape, url, conninfo)
    if kind == "pipeline":
        return run_pipeline(shape, url, conninfo, concurrent=True)
    if kind == "pipeline-serial":
        return run_pipeline(shape, url, conninfo)
    if kind == "pipeline-before":
        _CODE_ENV.update(code_env(BEFORE_ROOT))
        try:
            return run_pipeline(shape, url, conninfo, concurrent=True)
        finally:
            _CODE_ENV.clear()
    return run_peer(kind, shape, url, conninfo)


def run_round(shape: Shape, contenders: list[str], url: str, simulator_pid: int, pg,
              round_no: int, log) -> dict:
    """Each contender once, in its own fresh database, with the CPU time the machine spent
    meanwhile (``common.cpu_account``; a pipeline's Friday publish runs after it, apart). Odd
    rounds take the contenders in the order given, even rounds in reverse: the first contender
    after the pause between rounds ran slower, by 2.5-5.2 s of about 65 at 300k
    (bench/RESULTS.md)."""
    results = {}
    server_pid = common.postmaster_pid(pg)
    for kind in contenders if round_no % 2 else list(reversed(contenders)):
        load = common.load_average()
        name = f"bench_{kind.replace('-', '_')}"
        conninfo = common.fresh_database(pg, name) if kind != "serve" else ""
        common.checkpoint(pg)
        began = time.perf_counter()
        try:
            with common.cpu_account(server_pid, simulator_pid) as cpu:
                results[kind] = run_contender(kind, shape, url, conninfo)
            results[kind]["cpu"] = cpu
            if kind.startswith("pipeline"):
                results[kind]["publish"] = run_publish(shape, conninfo)
        except RuntimeError as error:
            results[kind] = {"error": str(error)[-3000:]}
            log(f"  {kind}: FAILED {str(error)[-500:]}")
        finally:
            if conninfo:
                common.drop_database(pg, name)
        results[kind]["load_average_before"] = load
        results[kind]["load_average_after"] = common.load_average()
        results[kind]["round_wall_s"] = time.perf_counter() - began
        if "seconds" in results[kind]:
            cpu = results[kind]["cpu"]
            log(f"  round {round_no} {kind}: {results[kind]['seconds']:.1f} s, peak RSS "
                f"{results[kind]['max_rss_mb']:.0f} MB, CPU {cpu['machine_s']:.1f} s"
                f" (server {cpu['server_s']:.1f}, simulator {cpu['simulator_s']:.1f})"
                f" (load {load[0]:.2f})")
    unequal = common.unequal_counts(results)
    results["counts_equal"] = not unequal
    for line in unequal:
        log(f"  round {round_no}: RECORD COUNTS DIFFER: {line}")
    return results


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, nargs="+", default=[3],
                        help="rounds per scale (one value for all, or one per scale)")
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS,
                        default=list(CONTENDERS[:-1]))
    parser.add_argument("--quiet-load", type=float, default=1.0,
                        help="wait for the 1-min load average to drop below this first")
    parser.add_argument("--max-wait", type=float, default=0.0,
                        help="seconds to wait for a quiet machine before each scale")
    common.add_server_setting_option(parser)
    parser.add_argument("--before-root", type=Path,
                        help="a copy of the project to run as contender pipeline-before")
    parser.add_argument("--daily-window", type=int, default=0, metavar="PER_DAY",
                        help="also run a province's daily windows (PER_DAY dossiers a day)"
                             " through Airflow's scheduler and executor (bench/daily_window.py)")
    parser.add_argument("--window-days", type=int, default=3,
                        help="days the scheduler catches up in the daily-window scenario")
    parser.add_argument("--server-log", type=Path, metavar="PATH",
                        help="keep the benchmark cluster's server log there (e.g. with"
                             " auto_explain in --server-setting shared_preload_libraries)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if any(kind.startswith("dlt") for kind in args.contenders):
        common.ensure_peers_venv(log)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or OUT / f"ingest-{stamp}.json"
    global BEFORE_ROOT
    BEFORE_ROOT = args.before_root
    if "pipeline-before" in args.contenders and BEFORE_ROOT is None:
        sys.exit("contender pipeline-before needs --before-root")
    settings = common.server_settings(args)
    report: dict = {"started": stamp, "runs": args.runs, "contenders": args.contenders,
                    "server_settings": settings, "cores": os.cpu_count(), "scales": {}}
    runs = args.runs if len(args.runs) == len(args.scales) else [args.runs[0]] * len(args.scales)
    rounds_of = dict(sorted(zip(args.scales, runs, strict=True)))
    with common.postgres(settings, args.server_log) as pg, ExitStack() as simulators:
        shapes = {scale: Shape(scale) for scale in rounds_of}
        served = {scale: simulators.enter_context(common.simulator(shape))
                  for scale, shape in shapes.items()}
        for scale, shape in shapes.items():
            report["scales"][scale] = {"shape": shape.__dict__, "rounds": []}
        for round_no, scale in interleaved(rounds_of):
            url, simulator = served[scale]
            load = common.wait_for_quiet(args.quiet_load, args.max_wait, log)
            log(f"scale {scale}, round {round_no}: load average"
                f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
            report["scales"][scale]["rounds"].append(
                run_round(shapes[scale], args.contenders, url, simulator.pid, pg, round_no,
                          log))
            common.write_json(output, report)
        if args.daily_window:
            import daily_window

            load = common.wait_for_quiet(args.quiet_load, args.max_wait, log)
            log(f"daily window: {args.daily_window} dossiers a day, load average {load[0]:.2f}")
            report["daily_window"] = {
                "per_day": args.daily_window, "days": args.window_days,
                "load_average_before": load,
                "window": daily_window.run_window(pg, args.daily_window, args.window_days,
                                                  OUT / f"daily-window-{stamp}", log),
                "load_average_after": common.load_average()}
            common.write_json(output, report)
    report["finished"] = datetime.now().strftime("%Y%m%d-%H%M%S")
    common.write_json(output, report)
    log(f"results: {output}")
    from report import render

    print(render(report))
    if not all(r.get("counts_equal", True) for data in report["scales"].values()
               for r in data["rounds"]):
        sys.exit("the contenders stored different record counts (see the log): no ratio"
                 " between them holds")
    failed = sorted({f"{kind} at {scale}" for scale, data in report["scales"].items()
                     for r in data["rounds"] for kind, result in r.items()
                     if isinstance(result, dict) and "error" in result})
    if failed:
        sys.exit(f"contenders failed: {', '.join(failed)} (their errors are in {output})")
    window_runs = report.get("daily_window", {}).get("window", {}).get("runs", [])
    if any(run["state"] != "success" for run in window_runs):
        sys.exit("a DAG run of the daily-window scenario did not succeed (see its Airflow logs)")


def interleaved(rounds_of: dict[int, int]) -> list[tuple[int, int]]:
    """(round, scale) in the order they run: every scale once a round while it has rounds left,
    smallest first in odd rounds and largest first in even ones, so the machine's drift over a
    run reaches every size alike instead of the sizes being measured half an hour apart."""
    order = []
    for round_no in range(1, max(rounds_of.values()) + 1):
        scales = [scale for scale, n in rounds_of.items() if n >= round_no]
        order += [(round_no, scale) for scale in (scales if round_no % 2 else scales[::-1])]
    return order


def medians(rounds: list[dict], kind: str, key: str = "seconds") -> float:
    return median([r[kind][key] for r in rounds if kind in r and key in r[kind]])


if __name__ == "__main__":
    main()
