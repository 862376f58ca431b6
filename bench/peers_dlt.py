"""Peer: dlt's REST API source loading the simulator's four endpoints into the same Postgres.

Runs in ``bench/.venv-peers`` (dlt pinned in ``bench/requirements-peers.txt``; it is not a
project dependency). The source is configured the way dlt's documentation shows for a
bearer-token API with a cursor in the JSON body: the same endpoints, window and page size
(5000) as the pipeline. dlt unnests the list fields (``TienDo``, ``DanhSachHoSoBoSung``,
``DanhSachLePhi``, ``CoQuanThucHien``) into child tables, as it does by default.

- default: ``pipeline.run(source)``: dlt's defaults for Postgres (``insert_values`` files,
  one normalize process);
- ``--tuned``: dlt's performance guide for this case: ``loader_file_format="csv"`` (COPY),
  normalize in parallel processes (one per core), extract files rotated so that the
  normalize workers have files to share, no compression of the intermediate files.

    bench/.venv-peers/bin/python bench/peers_dlt.py --url URL --token T --conninfo C \
        --window-start 20260223000000 --window-end 20260828000000 --workdir DIR [--tuned]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

PAGE_LIMIT = 5000
TUNED_ENV = {
    "NORMALIZE__WORKERS": str(os.cpu_count() or 2),
    "EXTRACT__DATA_WRITER__FILE_MAX_ITEMS": "50000",
    "DATA_WRITER__DISABLE_COMPRESSION": "true",
    "DATA_WRITER__BUFFER_MAX_ITEMS": "20000",
}


def _row_counts(pipeline) -> dict[str, int]:
    """Rows in every table of the dataset, as loaded (not timed)."""
    with pipeline.sql_client() as client:
        tables = [name for (name,) in client.execute_sql(
            "select table_name from information_schema.tables where table_schema = %s"
            " and table_name not like '_dlt%%' order by 1", pipeline.dataset_name)]
        return {name: client.execute_sql(f'select count(*) from "{pipeline.dataset_name}".'
                                         f'"{name}"')[0][0] for name in tables}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--conninfo", required=True)
    parser.add_argument("--window-start", required=True)
    parser.add_argument("--window-end", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--tuned", action="store_true")
    args = parser.parse_args()
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    if args.tuned:
        os.environ.update(TUNED_ENV)
    shutil.rmtree(args.workdir, ignore_errors=True)

    began = time.perf_counter()
    import dlt
    from dlt.sources.rest_api import rest_api_source

    window = {"cap_nhat_tu": args.window_start, "cap_nhat_den": args.window_end}
    source = rest_api_source({
        "client": {
            "base_url": args.url,
            "auth": {"type": "bearer", "token": args.token},
            "paginator": {"type": "cursor", "cursor_path": "next_cursor",
                          "cursor_param": "cursor"},
        },
        "resource_defaults": {
            "write_disposition": "append",
            "endpoint": {"data_selector": "data", "params": {"limit": PAGE_LIMIT}},
        },
        "resources": [
            {"name": "don_vi", "endpoint": {"path": "api/v1/don-vi"}},
            {"name": "thu_tuc", "endpoint": {"path": "api/v1/thu-tuc"}},
            {"name": "ho_so", "endpoint": {"path": "api/v1/ho-so", "params": window}},
            {"name": "giao_dich", "endpoint": {"path": "api/v1/giao-dich", "params": window}},
        ],
    })
    # dlt insists on a password; the benchmark cluster trusts loopback, so any will do.
    conninfo = args.conninfo.replace("postgresql://postgres@", "postgresql://postgres:bench@", 1)
    pipeline = dlt.pipeline(
        pipeline_name="bench_dlt_tuned" if args.tuned else "bench_dlt",
        destination=dlt.destinations.postgres(conninfo),
        dataset_name="dlt_data",
        pipelines_dir=args.workdir,
        progress="log" if os.environ.get("BENCH_DLT_PROGRESS") else None,
    )
    timings = {}
    phase = time.perf_counter()
    # What pipeline.run(source[, loader_file_format]) does, one step at a time to time each.
    pipeline.extract(source, loader_file_format="csv" if args.tuned else None)
    timings["extract"] = time.perf_counter() - phase
    phase = time.perf_counter()
    pipeline.normalize(workers=int(TUNED_ENV["NORMALIZE__WORKERS"]) if args.tuned else 1)
    timings["normalize"] = time.perf_counter() - phase
    phase = time.perf_counter()
    info = pipeline.load()
    timings["load"] = time.perf_counter() - phase
    info.raise_on_failed_jobs()
    seconds = time.perf_counter() - began
    rows = _row_counts(pipeline)
    shutil.rmtree(args.workdir, ignore_errors=True)
    sys.stdout.write(json.dumps({"seconds": seconds, "phases": timings,
                                 "rows": dict(rows), "tuned": args.tuned}) + "\n")


if __name__ == "__main__":
    main()
