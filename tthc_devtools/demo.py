"""``make demo``: load three weeks of a merged province through the real DAGs, publish its
Directive 04 reports, and show what landed.

The province is the merged Thành phố Đà Nẵng (config/demo-sources.yaml): two source systems side
by side, the former Quảng Nam's and Đà Nẵng's, one report tree with a root of its own. Quảng
Nam's system is reorganised on Monday 9 November 2026, inside the demo's weeks: districts
abolished, communes merged, two departments merged, pending dossiers handed to the successors.
A throwaway Postgres and a simulator per source start by themselves unless connections are
configured (see ``local_stack``); ``TTHC_SOURCES_FILE`` replaces the source list. The period is
fixed so that the demo prints the same figures every time.
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
    ProvinceSpec,
    airflow_output_to,
    environment,
    generated_sources,
    local_stack,
)
from tthc_pipeline import sources
from tthc_pipeline.paths import PROJECT_ROOT

DEMO_START = date(2026, 10, 30)  # a Friday: three full Directive 04 weeks follow
DEMO_END = date(2026, 11, 19)    # a Thursday; reports for 6/11, 13/11 and 20/11
REORGANISED_ON = date(2026, 11, 9)  # Quảng Nam's system: inside the period of 13/11
LEAD_IN = timedelta(days=56)     # history before the period: carried-over dossiers
DEMO_SOURCES = PROJECT_ROOT / "config" / "demo-sources.yaml"
# dossiers a day, province code and seed of each source's simulator
SIMULATED = {"quang_nam": (120, "H49", 2022, REORGANISED_ON), "da_nang": (80, "H48", 4048, None)}

TABLES = (
    "raw.don_vi", "raw.thu_tuc", "raw.ho_so", "raw.giao_dich",
    "dw.dim_unit", "dw.dim_procedure", "dw.dim_date",
    "dw.fact_dossier", "dw.fact_dossier_status", "dw.fact_dossier_supplement",
    "dw.fact_dossier_apology", "dw.fact_payment",
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
        per_source = conn.execute(
            "select source_code, count(*) from dw.fact_dossier group by 1 order by 1").fetchall()
        lines.append("  dossiers per source: "
                     + ", ".join(f"{code} {count:,}" for code, count in per_source))
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


def latest_reports(conninfo: str) -> str:
    """Each report tree's newest report: its root's figures, its regressed units, its
    workbook and its page."""
    from tthc_pipeline.report.page import page_name
    from tthc_pipeline.report.summary import regression_summary
    from tthc_pipeline.report.workbook import reports_dir

    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "select distinct on (tree_code) tree_code, report_date, snapshot_version, report_file"
            " from mart.chi_thi_04_snapshot"
            " order by tree_code, report_date desc, snapshot_version desc").fetchall()
    if not rows:
        return "No Directive 04 report was published."
    return "\n\n".join(
        f"{regression_summary(conninfo, report_date, version, max_units=15, tree_code=tree)}\n"
        f"Workbook: {reports_dir() / report_file}\n"
        f"Page (open in a browser): {reports_dir() / page_name(report_file)}"
        for tree, report_date, version, report_file in rows)


def provinces() -> dict[str, ProvinceSpec]:
    """What each source's simulator generates: the demo's two, or defaults for another list."""
    days = (DEMO_END - DEMO_START).days + 1 + LEAD_IN.days
    specs = {}
    for position, source in enumerate(sources.load().sources):
        per_day, code, seed, reorganise_on = SIMULATED.get(
            source.code, (100, f"H{49 + position}", 2022 + position, None))
        specs[source.code] = ProvinceSpec(
            start=DEMO_START - LEAD_IN, end=DEMO_END + timedelta(days=1), scale=per_day * days,
            seed=seed, province_code=code, reorganise_on=reorganise_on)
    return specs


def generated_vs_loaded(province: ProvinceSpec, first_day: date, last_day: date) -> str:
    """Why the warehouse holds fewer dossiers than the simulator generates: the province has
    history before the loaded days (so the first report has dossiers carried over), and a
    daily load extracts only the dossiers updated that day."""
    from simulator.province import Province
    from simulator.timestamps import SECONDS_PER_DAY, day_number

    generated = Province(seed=province.seed, scale=province.scale, start=province.start,
                         end=province.end, province_code=province.province_code,
                         reorganise_on=province.reorganise_on)
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
    source_file = os.environ.get(sources.SOURCES_FILE_ENV) or str(DEMO_SOURCES)
    with environment({sources.SOURCES_FILE_ENV: source_file}):
        _run(log_file)
    print(f"\nThe runs are in Airflow's metadata DB ({airflow_home}): `make ui` serves the"
          " Airflow UI on http://127.0.0.1:8080 (grid view: DAGs > weekly_chi_thi_04__da_nang;"
          " `make ui` reads config/sources.yaml, so set TTHC_SOURCES_FILE=config/demo-sources.yaml"
          " for it to list the demo's DAGs). The demo's warehouse was throwaway;"
          " `docker compose up -d` keeps one, with Metabase.")


def _run(log_file) -> None:
    listed = sources.load()
    specs = provinces()
    generated = generated_sources()
    with local_stack(specs):
        described = "; ".join(
            f"{source.code}: {source.name}"
            + (f", ~{specs[source.code].scale:,} generated dossiers"
               + (f", reorganised on {specs[source.code].reorganise_on}"
                  if specs[source.code].reorganise_on else "")
               if source.code in generated else "")
            for source in listed.sources)
        print(f"Loading {DEMO_START} .. {DEMO_END} through each source's daily DAGs and"
              f" publishing the Friday reports of {', '.join(t.name for t in listed.trees)}"
              f" ({described}); Airflow's log: {log_file}", flush=True)
        try:
            with airflow_output_to(log_file):
                report_dates = backfill(DEMO_START, DEMO_END).report_dates
        except Exception:
            print(f"The demo failed; the end of {log_file} says why.", file=sys.stderr)
            raise
        conninfo = os.environ["AIRFLOW_CONN_WAREHOUSE"]
        print(f"Reports published for {', '.join(d.isoformat() for d in report_dates)}.\n")
        print(summary(conninfo))
        for code in generated:
            print(f"{code}: {generated_vs_loaded(specs[code], DEMO_START, DEMO_END)}")
        print()
        print(latest_reports(conninfo))


if __name__ == "__main__":
    main()
