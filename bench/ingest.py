"""National-scale ingest: the pipeline against the physical limit and its peers, in one run.

For each scale (dossiers in one national day's batch, see ``common.Shape``), against one
simulator process and one Postgres cluster, each contender in its own fresh database:

- ``serve``: the simulator's own serving speed (every page fetched and thrown away);
- ``limit``: the same records fetched the same way and COPY'd into an unindexed jsonb table;
- ``pipeline``: the real ingest, the functions the DAG tasks call, each stage in its own
  process: prepare, then for don_vi, thu_tuc, ho_so, giao_dich extract → stage → validate →
  load; then the Friday materialisation (``publish_snapshot``) for the shape's report date;
- ``dlt``, ``dlt-tuned``: dlt's REST API source into the same Postgres (``bench/peers_dlt.py``,
  in ``bench/.venv-peers``), with its defaults and tuned;
- ``naive``: requests + ``pandas.json_normalize`` + ``DataFrame.to_sql``
  (``bench/naive_pandas.py``).

Every process runs under ``/usr/bin/time -v`` (wall, CPU, peak RSS). Contenders take turns
within a round, rounds repeat (``--runs``) and the report gives medians. Results go to
``bench/out/ingest-<time>.json`` and a Markdown summary on stdout.

    .venv/bin/python bench/ingest.py --scales 100000 1000000 --runs 3
    .venv/bin/python bench/ingest.py --scales 10000 --runs 1 --contenders serve limit pipeline
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import ENTITIES, OUT, Measured, Shape, median, run_measured  # noqa: E402

CONTENDERS = ("serve", "limit", "pipeline", "dlt", "dlt-tuned", "naive", "pipeline-before")
STAGES = ("extract", "stage", "validate", "load")
BEFORE_ROOT: Path | None = None
# Generous bounds per process (seconds per 1,000 dossiers, and a floor): a stuck stage fails
# the benchmark instead of hanging it.
TIMEOUT_PER_K, TIMEOUT_FLOOR = 2.0, 300.0


def _timeout(shape: Shape, factor: float = 1.0) -> float:
    return max(TIMEOUT_FLOOR, factor * TIMEOUT_PER_K * shape.scale / 1000)


def _window_args(shape: Shape) -> list[str]:
    start, end = shape.window
    return ["--window-start", start.isoformat(), "--window-end", end.isoformat()]


# The code under test: this checkout, or (contender pipeline-before, --before-root) another
# copy of the project, e.g. the code before an optimisation, run by this checkout's stage.py.
_CODE_ENV: dict[str, str] = {}


def _stage(args: list[str], shape: Shape, factor: float = 1.0) -> Measured:
    return run_measured([str(common.BENCH / "stage.py"), *args], timeout=_timeout(shape, factor),
                        env=_CODE_ENV)


def code_env(root: Path | None) -> dict[str, str]:
    if root is None:
        return {}
    return {"PYTHONPATH": f"{root / 'include'}:{root}", "TTHC_PROJECT_ROOT": str(root)}


def _summary(m: Measured) -> dict:
    return {"seconds": m.seconds, "wall_s": m.wall_s, "cpu_s": m.user_s + m.sys_s,
            "max_rss_mb": m.max_rss_mb, "tree_rss_mb": m.tree_rss_mb, **m.result}


def run_serve(shape: Shape, url: str) -> dict:
    entities = {}
    for entity in ENTITIES:
        m = _stage(["serve", "--url", url, "--entity", entity, *_window_args(shape)], shape)
        entities[entity] = _summary(m)
    return {"seconds": sum(e["seconds"] for e in entities.values()),
            "max_rss_mb": max(e["max_rss_mb"] for e in entities.values()),
            "entities": entities}


def run_limit(shape: Shape, url: str, conninfo: str) -> dict:
    entities = {}
    for entity in ENTITIES:
        m = _stage(["limit", "--conninfo", conninfo, "--url", url, "--entity", entity,
                    *_window_args(shape)], shape)
        entities[entity] = _summary(m)
    return {"seconds": sum(e["seconds"] for e in entities.values()),
            "max_rss_mb": max(e["max_rss_mb"] for e in entities.values()),
            "records": {entity: e["n_records"] for entity, e in entities.items()},
            "db_mb": common.database_size_mb(conninfo), "entities": entities}


def run_pipeline(shape: Shape, url: str, conninfo: str, publish: bool = True,
                 prepare: bool = True, source_code: str | None = None) -> dict:
    """One source's daily run: (prepare,) then extract → stage → validate → load per entity, each
    stage its own process, as Airflow runs each task; ``source_code`` names the source of the
    batches (default: the first configured source)."""
    prepared = (_summary(_stage(["prepare", "--conninfo", conninfo, *_window_args(shape)], shape))
                if prepare else None)
    source_arg = ["--source-code", source_code] if source_code else []
    entities: dict[str, dict] = {}
    for entity in ENTITIES:
        stages = {}
        m = _stage(["extract", "--conninfo", conninfo, "--url", url, "--entity", entity,
                    *_window_args(shape), *source_arg], shape)
        stages["extract"] = _summary(m)
        batch = ["--conninfo", conninfo, "--batch-id", str(m.result["batch_id"])]
        for name in STAGES[1:]:
            stages[name] = _summary(_stage([name, *batch], shape, factor=2.0))
        entities[entity] = stages
    per_stage = {name: sum(entities[e][name]["seconds"] for e in ENTITIES) for name in STAGES}
    source = sum(entities[e]["extract"]["source_seconds"] for e in ENTITIES)
    result = {
        "seconds": sum(per_stage.values()),
        "per_stage": {**per_stage, "extract_source": source,
                      "extract_landing": per_stage["extract"] - source},
        "max_rss_mb": max(s["max_rss_mb"] for stages in entities.values()
                          for s in stages.values()),
        "max_rss_by_stage": {name: max(entities[e][name]["max_rss_mb"] for e in ENTITIES)
                             for name in STAGES},
        "records": {e: entities[e]["extract"]["n_received"] for e in ENTITIES},
        "loaded": {e: entities[e]["load"]["n_loaded"] for e in ENTITIES},
        "quarantined": {e: entities[e]["load"]["n_quarantined"] for e in ENTITIES},
        "prepare": prepared, "entities": entities,
    }
    if publish:
        result["publish"] = _summary(_stage(["publish", "--conninfo", conninfo,
                                             "--report-date", shape.report_date.isoformat()],
                                            shape))
    result["db_mb"] = common.database_size_mb(conninfo)
    return result


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
    return {**_summary(m), "db_mb": common.database_size_mb(conninfo)}


def run_round(shape: Shape, contenders: list[str], url: str, pg, round_no: int,
              log) -> dict:
    results = {}
    for kind in contenders:
        load = common.load_average()
        name = f"bench_{kind.replace('-', '_')}"
        conninfo = common.fresh_database(pg, name) if kind != "serve" else ""
        began = time.perf_counter()
        try:
            if kind == "serve":
                results[kind] = run_serve(shape, url)
            elif kind == "limit":
                results[kind] = run_limit(shape, url, conninfo)
            elif kind == "pipeline":
                results[kind] = run_pipeline(shape, url, conninfo)
            elif kind == "pipeline-before":
                _CODE_ENV.update(code_env(BEFORE_ROOT))
                try:
                    results[kind] = run_pipeline(shape, url, conninfo)
                finally:
                    _CODE_ENV.clear()
            else:
                results[kind] = run_peer(kind, shape, url, conninfo)
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
            log(f"  round {round_no} {kind}: {results[kind]['seconds']:.1f} s, peak RSS "
                f"{results[kind]['max_rss_mb']:.0f} MB (load {load[0]:.2f})")
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
    parser.add_argument("--server-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Postgres setting of the benchmark cluster")
    parser.add_argument("--before-root", type=Path,
                        help="a copy of the project to run as contender pipeline-before")
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
    settings = {**common.SERVER_SETTINGS,
                **dict(item.split("=", 1) for item in args.server_setting)}
    report: dict = {"started": stamp, "runs": args.runs, "contenders": args.contenders,
                    "server_settings": settings, "scales": {}}
    with common.postgres(settings) as pg:
        runs = args.runs if len(args.runs) == len(args.scales) else [args.runs[0]] * len(
            args.scales)
        for scale, n_runs in zip(args.scales, runs, strict=True):
            shape = Shape(scale)
            load = common.wait_for_quiet(args.quiet_load, args.max_wait, log)
            log(f"scale {scale}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
            rounds = []
            with common.simulator(shape) as (url, _process):
                for round_no in range(1, n_runs + 1):
                    rounds.append(run_round(shape, args.contenders, url, pg, round_no, log))
                    report["scales"][scale] = {"shape": shape.__dict__, "rounds": rounds}
                    common.write_json(output, report)
    report["finished"] = datetime.now().strftime("%Y%m%d-%H%M%S")
    common.write_json(output, report)
    log(f"results: {output}")
    from report import render

    print(render(report))


def medians(rounds: list[dict], kind: str, key: str = "seconds") -> float:
    return median([r[kind][key] for r in rounds if kind in r and key in r[kind]])


if __name__ == "__main__":
    main()
