"""``make demo``: load four weeks of a generated province through the real DAGs and show what landed.

A throwaway Postgres and the simulator start by themselves unless connections are configured
(see ``local_stack``). The period is fixed so that the demo prints the same figures every time.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date, timedelta

import psycopg

from tthc_pipeline.devtools.backfill import backfill
from tthc_pipeline.devtools.local_stack import ProvinceSpec, local_stack

DEMO_START = date(2026, 10, 23)  # a Friday: four full Directive 04 weeks follow
DEMO_END = date(2026, 11, 19)    # a Thursday
LEAD_IN = timedelta(days=56)     # history before the period: carried-over dossiers
DOSSIERS_PER_DAY = 120

TABLES = (
    "raw.don_vi", "raw.thu_tuc", "raw.ho_so", "raw.giao_dich",
    "dw.dim_unit", "dw.dim_procedure", "dw.dim_date",
    "dw.fact_dossier", "dw.fact_dossier_status", "dw.fact_dossier_supplement", "dw.fact_payment",
    "quarantine.don_vi", "quarantine.thu_tuc", "quarantine.ho_so", "quarantine.giao_dich",
    "meta.load_batch", "meta.watermark",
)


def summary(conninfo: str) -> str:
    """Row counts per table and quarantined rows per rule, as printable text."""
    lines = ["Rows per table:"]
    with psycopg.connect(conninfo) as conn:
        for table in TABLES:
            (count,) = conn.execute(f"select count(*) from {table}").fetchone()
            lines.append(f"  {table:<30} {count:>10,}")
        lines.append("Quarantined rows by rule:")
        rules = conn.execute(
            "select rule, count(*) from ("
            " select rule from quarantine.don_vi union all select rule from quarantine.thu_tuc"
            " union all select rule from quarantine.ho_so"
            " union all select rule from quarantine.giao_dich) q group by rule order by 2 desc"
        ).fetchall()
        lines.extend(f"  {rule:<40} {count:>8,}" for rule, count in rules)
        if not rules:
            lines.append("  (none)")
    return "\n".join(lines)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    days = (DEMO_END - DEMO_START).days + 1
    province = ProvinceSpec(start=DEMO_START - LEAD_IN, end=DEMO_END + timedelta(days=1),
                            scale=DOSSIERS_PER_DAY * (days + LEAD_IN.days))
    with local_stack(province):
        print(f"Loading {DEMO_START} .. {DEMO_END} through the daily DAGs "
              f"(province of ~{province.scale:,} generated dossiers)...", flush=True)
        backfill(DEMO_START, DEMO_END)
        print(summary(os.environ["AIRFLOW_CONN_WAREHOUSE"]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
