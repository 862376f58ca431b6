"""``make demo``: load four weeks of a generated province through the real DAGs, publish their
Directive 04 reports, and show what landed.

A throwaway Postgres and the simulator start by themselves unless connections are configured
(see ``local_stack``). The period is fixed so that the demo prints the same figures every time.
Airflow's own log lines go to ``.airflow/demo.log``; the terminal gets progress and results.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date, timedelta

import psycopg

from tthc_devtools.airflow_home import claim_airflow_home
from tthc_devtools.backfill import backfill
from tthc_devtools.local_stack import (
    SOURCE_CONNECTIONS,
    ProvinceSpec,
    airflow_output_to,
    local_stack,
)

DEMO_START = date(2026, 10, 23)  # a Friday: four full Directive 04 weeks follow
DEMO_END = date(2026, 11, 19)    # a Thursday; reports for 30/10, 6/11, 13/11 and 20/11
LEAD_IN = timedelta(days=56)     # history before the period: carried-over dossiers
DOSSIERS_PER_DAY = 120

TABLES = (
    "raw.don_vi", "raw.thu_tuc", "raw.ho_so", "raw.giao_dich",
    "dw.dim_unit", "dw.dim_procedure", "dw.dim_date",
    "dw.fact_dossier", "dw.fact_dossier_status", "dw.fact_dossier_supplement", "dw.fact_payment",
    "quarantine.don_vi", "quarantine.thu_tuc", "quarantine.ho_so", "quarantine.giao_dich",
    "meta.load_batch", "meta.watermark", "mart.chi_thi_04_snapshot", "mart.chi_thi_04_weekly",
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


def latest_report(conninfo: str) -> str:
    """The newest report's province summary, its regressed units and its workbook."""
    from tthc_pipeline.report.summary import regression_summary
    from tthc_pipeline.report.workbook import reports_dir

    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "select report_date, snapshot_version, report_file from mart.chi_thi_04_snapshot"
            " order by report_date desc, snapshot_version desc limit 1").fetchone()
    if row is None:
        return "No Directive 04 report was published."
    report_date, version, report_file = row
    return (f"{regression_summary(conninfo, report_date, version, max_units=15)}\n"
            f"Workbook: {reports_dir() / report_file}")


def generated_vs_loaded(province: ProvinceSpec, first_day: date, last_day: date) -> str:
    """Why the warehouse holds fewer dossiers than the simulator generates: the province has
    history before the loaded days (so the first report has dossiers carried over), and a
    daily load extracts only the dossiers updated that day."""
    from simulator.province import Province
    from simulator.timestamps import SECONDS_PER_DAY, day_number

    generated = Province(seed=province.seed, scale=province.scale, start=province.start,
                         end=province.end)
    start = day_number(first_day) * SECONDS_PER_DAY
    end = day_number(last_day + timedelta(days=1)) * SECONDS_PER_DAY
    received_in, older = generated.dossiers_updated_in(start, end)
    closed = province.scale - received_in - older
    return (f"The simulator generated {province.scale:,} dossiers received from {province.start}"
            f" (history before {first_day}, so that the first report has dossiers carried"
            f" over). The daily loads extract those updated {first_day} .. {last_day}:"
            f" {received_in:,} received then and {older:,} older ones still in progress,"
            f" {received_in + older:,} in all; the other {closed:,} had their last update"
            f" before {first_day} and are never extracted.")


def main() -> None:
    airflow_home = claim_airflow_home()
    log_file = airflow_home / "demo.log"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    days = (DEMO_END - DEMO_START).days + 1
    province = ProvinceSpec(start=DEMO_START - LEAD_IN, end=DEMO_END + timedelta(days=1),
                            scale=DOSSIERS_PER_DAY * (days + LEAD_IN.days))
    generated_here = not all(os.environ.get(name) for name in SOURCE_CONNECTIONS)
    with local_stack(province):
        print(f"Loading {DEMO_START} .. {DEMO_END} through the daily DAGs and publishing the"
              f" Friday reports (province of ~{province.scale:,} generated dossiers);"
              f" Airflow's log: {log_file}", flush=True)
        try:
            with airflow_output_to(log_file):
                report_dates = backfill(DEMO_START, DEMO_END).report_dates
        except Exception:
            print(f"The demo failed; the end of {log_file} says why.", file=sys.stderr)
            raise
        conninfo = os.environ["AIRFLOW_CONN_WAREHOUSE"]
        print(f"Reports published for {', '.join(d.isoformat() for d in report_dates)}.\n")
        print(summary(conninfo))
        if generated_here:
            print(generated_vs_loaded(province, DEMO_START, DEMO_END))
        print()
        print(latest_report(conninfo))
    print(f"\nThe runs are in Airflow's metadata DB ({airflow_home}): `make ui` serves the"
          " Airflow UI on http://127.0.0.1:8080 (grid view: DAGs > weekly_chi_thi_04). The demo's"
          " warehouse was throwaway; `docker compose up -d` keeps one, with Metabase.")


if __name__ == "__main__":
    main()
