"""Peer: the pipeline a tutorial would write: requests + ``pandas.json_normalize`` + ``to_sql``.

Every page of an endpoint is fetched into one list, flattened with ``json_normalize`` (the
list fields into child tables keyed by the parent's code, as tutorials do), and written with
``DataFrame.to_sql`` over SQLAlchemy (psycopg2), pandas' defaults otherwise. No checks, no
typing beyond what pandas infers, no staging, no history: it is a floor for effort, not a
pipeline with the same guarantees.

    .venv/bin/python bench/naive_pandas.py --url URL --token T --conninfo C \
        --window-start 20260223000000 --window-end 20260828000000 --workdir DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

PAGE_LIMIT = 5000
ENDPOINTS = {"don_vi": "/api/v1/don-vi", "thu_tuc": "/api/v1/thu-tuc",
             "ho_so": "/api/v1/ho-so", "giao_dich": "/api/v1/giao-dich"}
# list fields → (child table, the parent's key kept on each child row)
LIST_FIELDS = {
    "thu_tuc": {"CoQuanThucHien": "MaTTHC"},
    "ho_so": {"TienDo": "MaHoSo", "DanhSachHoSoBoSung": "MaHoSo", "DanhSachLePhi": "MaHoSo",
              "DanhSachXinLoi": "MaHoSo"},
}


def fetch_all(url: str, token: str, endpoint: str, params: dict) -> list[dict]:
    import requests

    records, cursor = [], None
    while True:
        query = {**params, "limit": PAGE_LIMIT, **({"cursor": cursor} if cursor else {})}
        response = requests.get(url + endpoint, params=query,
                                headers={"Authorization": f"Bearer {token}"}, timeout=300)
        response.raise_for_status()
        body = response.json()
        records.extend(body["data"])
        cursor = body.get("next_cursor")
        if not cursor:
            return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--conninfo", required=True)
    parser.add_argument("--window-start", required=True)
    parser.add_argument("--window-end", required=True)
    parser.add_argument("--workdir")
    parser.add_argument("--max-memory-gb", type=float, default=16.0,
                        help="address-space cap: on a shared machine a MemoryError beats swapping")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (int(args.max_memory_gb * 2**30),) * 2)
    began = time.perf_counter()
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(args.conninfo.replace("postgresql://", "postgresql+psycopg2://", 1))
    window = {"cap_nhat_tu": args.window_start, "cap_nhat_den": args.window_end}
    rows = {}
    for name, endpoint in ENDPOINTS.items():
        params = window if name in ("ho_so", "giao_dich") else {}
        records = fetch_all(args.url, args.token, endpoint, params)
        for field, key in LIST_FIELDS.get(name, {}).items():
            for record in records:
                record[field] = record.get(field) or []
            if field == "CoQuanThucHien":  # a list of codes, not of objects
                child = pd.DataFrame([(r[key], code) for r in records for code in r[field]],
                                     columns=[key, "MaDonVi"])
            else:
                child = pd.json_normalize(records, record_path=field, meta=[key])
            child.to_sql(f"{name}_{field.lower()}", engine, if_exists="replace", index=False)
            rows[f"{name}_{field.lower()}"] = len(child)
        frame = pd.json_normalize(records).drop(columns=list(LIST_FIELDS.get(name, {})))
        frame.to_sql(name, engine, if_exists="replace", index=False)
        rows[name] = len(frame)
        del records, frame
    sys.stdout.write(json.dumps({"seconds": time.perf_counter() - began, "rows": rows}) + "\n")


if __name__ == "__main__":
    main()
