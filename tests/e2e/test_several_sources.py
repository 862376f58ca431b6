"""Several source systems in one warehouse, reported as provinces and as the nation (issue 14).

Three simulators are three source systems (config/sources.yaml's format, in a file of this
test): ``quang_nam`` and ``da_nang`` run side by side in the merged province ``da_nang``;
``quang_ngai`` is the province ``quang_ngai``; the national rollup ``toan_quoc`` has both
provinces as children. ``quang_nam`` and ``da_nang`` are generated with the same province code
and different seeds, so they issue the same unit codes, procedure codes and MaHoSo: colliding
natural keys that the warehouse must keep apart.

The period's first six days are loaded through the pipeline's own steps (one window per
source); its last day through each source's own daily DAGs, with ``quang_ngai``'s left out at
first: the merged province publishes, the trees that contain ``quang_ngai`` wait and name it.
Once it has loaded, every tree publishes, and the national rollup equals the sum of its
provinces; each province's root equals counts taken here straight from its simulators.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date, timedelta

import psycopg
import pytest

from simulator import Province, SimulatorConfig, start_simulator, window_records
from tests.helpers.dag_runs import TEST_HASH_KEY, conninfo_to_uri, load_dags_without_retries
from tests.helpers.generated_province import local_midnight, root_counts
from tthc_devtools.local_stack import environment

pytestmark = pytest.mark.e2e

REPORT_DATE = date(2026, 3, 13)
PERIOD_START = REPORT_DATE - timedelta(days=7)
LAST_DAY = REPORT_DATE - timedelta(days=1)  # loaded through the DAGs
FIRST_DAY = PERIOD_START - timedelta(days=21)  # dossiers received before the period are pending
SOURCES_YAML = """
trees:
  - {code: toan_quoc, name: Toàn quốc}
  - {code: da_nang, name: Thành phố Đà Nẵng, parent: toan_quoc}
  - {code: quang_ngai, name: Tỉnh Quảng Ngãi, parent: toan_quoc}
sources:
  - {code: quang_nam, name: Một cửa Quảng Nam (cũ), tree: da_nang,
     tthc_connection: tthc_quang_nam, payment_connection: payment_quang_nam}
  - {code: da_nang, name: Một cửa Đà Nẵng, tree: da_nang,
     tthc_connection: tthc_da_nang, payment_connection: payment_da_nang}
  - {code: quang_ngai, name: Một cửa Quảng Ngãi, tree: quang_ngai,
     tthc_connection: tthc_quang_ngai, payment_connection: payment_quang_ngai}
"""
SIMULATORS = {  # same province code, different seeds: colliding keys
    "quang_nam": ("H49", 2022), "da_nang": ("H49", 4048), "quang_ngai": ("H51", 51)}
TOKEN = "several-sources-token"
COUNTS = ("received", "received_online", "carried_over", "resolved", "resolved_early",
          "resolved_on_time", "resolved_late", "pending", "pending_within", "pending_overdue",
          "fee_dossiers", "paid_online_dossiers")


def _config(source_code: str) -> SimulatorConfig:
    province_code, seed = SIMULATORS[source_code]
    return SimulatorConfig(token=TOKEN, seed=seed, scale=120 * (REPORT_DATE - FIRST_DAY).days,
                           start=FIRST_DAY, end=REPORT_DATE, now=local_midnight(REPORT_DATE),
                           province_code=province_code)


def _province(source_code: str) -> Province:
    config = _config(source_code)
    return Province(config.seed, config.scale, config.start, config.end,
                    province_code=config.province_code)


@pytest.fixture(scope="module")
def several_sources(postgres_server, tmp_path_factory):
    """The warehouse after the whole chain; the late source's wait verdict on the way."""
    from tests.helpers.generated_province import load_province
    from tthc_devtools.backfill import run_day, run_weekly
    from tthc_pipeline import sources
    from tthc_pipeline.report.period import (
        IncompleteData,
        ReportPeriod,
        coverage_verdict,
        missing_windows,
    )
    from tthc_pipeline.warehouse.migrations import apply_migrations

    config_file = tmp_path_factory.mktemp("config") / "sources.yaml"
    config_file.write_text(SOURCES_YAML, encoding="utf-8")
    conninfo = postgres_server.create_database()
    reports = tmp_path_factory.mktemp("reports")
    observed: dict = {"conninfo": conninfo}
    try:
        with ExitStack() as stack:
            sims = {code: stack.enter_context(start_simulator(_config(code)))
                    for code in SIMULATORS}
            stack.enter_context(environment({
                sources.SOURCES_FILE_ENV: str(config_file),
                "AIRFLOW_CONN_WAREHOUSE": conninfo_to_uri(conninfo),
                "TTHC_HASH_KEY": TEST_HASH_KEY,
                "TTHC_REPORTS_DIR": str(reports),
                "AIRFLOW_VAR_TTHC_REPORTS_DIR": str(reports),
                **{f"AIRFLOW_CONN_{system}_{code}".upper():
                   f"http://:{TOKEN}@{sims[code].url.split('://', 1)[1]}"
                   for code in SIMULATORS for system in ("tthc", "payment")},
            }))
            apply_migrations(conninfo)
            for code, sim in sims.items():  # the first six days: one window per source
                load_province(conninfo, sim.url, TOKEN, FIRST_DAY, local_midnight(LAST_DAY),
                              source_code=code)
            daily = {code: load_dags_without_retries(sources.daily_dag_ids([code]))
                     for code in SIMULATORS}
            weekly = dict(zip(("toan_quoc", "da_nang", "quang_ngai"), load_dags_without_retries(
                tuple(sources.weekly_dag_id(tree) for tree in ("toan_quoc", "da_nang",
                                                               "quang_ngai"))), strict=True))
            for code in ("quang_nam", "da_nang"):  # each source's own DAGs, independently
                run_day(daily[code], LAST_DAY)
            period = ReportPeriod(REPORT_DATE)
            observed["missing"] = {
                tree: missing_windows(conninfo, period, tree)
                for tree in ("toan_quoc", "da_nang", "quang_ngai")}
            with pytest.raises(IncompleteData) as held:
                coverage_verdict(period, observed["missing"]["toan_quoc"],
                                 now=local_midnight(REPORT_DATE) + timedelta(hours=16))
            observed["held"] = str(held.value)
            run_weekly(weekly["da_nang"], REPORT_DATE)  # its sources are in: it publishes
            observed["published_before_late_source"] = _trees_published(conninfo)
            run_day(daily["quang_ngai"], LAST_DAY)
            for tree in ("quang_ngai", "toan_quoc"):
                run_weekly(weekly[tree], REPORT_DATE)
        observed["reports"] = sorted(path.name for path in reports.iterdir())
        yield observed
    finally:
        postgres_server.drop_database(conninfo)


def _trees_published(conninfo: str) -> list[str]:
    with psycopg.connect(conninfo) as conn:
        return [tree for (tree,) in conn.execute(
            "select distinct tree_code from mart.chi_thi_04_snapshot order by 1")]


def _root(conninfo: str, tree: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            f"select unit_code, {', '.join(COUNTS)} from mart.chi_thi_04_latest"
            " where tree_code = %s and report_date = %s and unit_depth = 0",
            (tree, REPORT_DATE)).fetchall()
    assert len(row) == 1, f"{tree}: one root row, got {row}"
    return dict(zip(("unit_code", *COUNTS), row[0], strict=True))


def _expected_root(source_codes: list[str]) -> tuple[int, int, int]:
    """received, resolved and pending over these sources' records as served at the cutoff,
    counted from the simulators' own records."""
    counts = [root_counts(_province(code), local_midnight(REPORT_DATE)) for code in source_codes]
    return tuple(sum(column) for column in zip(*counts, strict=True))



def test_colliding_natural_keys_are_kept_apart(several_sources) -> None:
    conninfo = several_sources["conninfo"]
    codes = {code: {r["MaHoSo"] for r in window_records(
        _province(code), "ho_so", local_midnight(date(2000, 1, 1)), local_midnight(REPORT_DATE))}
        for code in ("quang_nam", "da_nang")}
    shared = codes["quang_nam"] & codes["da_nang"]
    assert len(shared) > 100, "the two systems must issue some of the same MaHoSo"
    with psycopg.connect(conninfo) as conn:
        per_source = dict(conn.execute(
            "select source_code, count(*) from dw.fact_dossier group by 1").fetchall())
        twins = conn.execute(
            "select count(distinct dossier_key), count(*) from dw.fact_dossier"
            " where dossier_code = any(%s)", (sorted(shared),)).fetchone()
        strays = conn.execute(
            "select count(*) from dw.fact_payment as p"
            " inner join dw.fact_dossier as d on p.dossier_key = d.dossier_key"
            " where p.source_code <> d.source_code or p.dossier_code <> d.dossier_code"
            ).fetchone()[0]
        units = conn.execute(
            "select count(*) from dw.dim_unit where is_current and source_code = 'quang_nam'"
            " and unit_code in (select unit_code from dw.dim_unit where source_code = 'da_nang')"
        ).fetchone()[0]
    assert per_source["quang_nam"] == len(codes["quang_nam"])
    assert per_source["da_nang"] == len(codes["da_nang"])
    assert twins == (2 * len(shared), 2 * len(shared)), "one row and one key per source"
    assert strays == 0, "a payment belongs to its own source's dossier"
    assert units > 0, "both sources keep their own versions of the shared unit codes"


def test_a_late_source_holds_its_trees_and_is_named(several_sources) -> None:
    missing = several_sources["missing"]
    assert missing["da_nang"] == []
    late = {(window.source_code, window.entity, window.day) for window in missing["toan_quoc"]}
    assert late == {("quang_ngai", entity, LAST_DAY)
                    for entity in ("don_vi", "thu_tuc", "ho_so", "giao_dich")}
    assert {(w.source_code, w.entity, w.day) for w in missing["quang_ngai"]} == late
    assert ("late sources, missing day windows (Asia/Ho_Chi_Minh) — quang_ngai (don_vi:"
            " 2026-03-12; thu_tuc: 2026-03-12; ho_so: 2026-03-12; giao_dich: 2026-03-12)"
            in several_sources["held"])
    assert several_sources["published_before_late_source"] == ["da_nang"]


def test_each_tree_publishes_one_snapshot_workbook_and_page(several_sources) -> None:
    assert _trees_published(several_sources["conninfo"]) == ["da_nang", "quang_ngai",
                                                               "toan_quoc"]
    assert several_sources["reports"] == [
        f"chi_thi_04_{tree}_{REPORT_DATE}_v1.{kind}"
        for tree in ("da_nang", "quang_ngai", "toan_quoc") for kind in ("html", "xlsx")]


def test_every_root_is_its_sources_and_the_nation_is_the_sum_of_its_provinces(
        several_sources) -> None:
    conninfo = several_sources["conninfo"]
    merged, quang_ngai, nation = (_root(conninfo, tree)
                                  for tree in ("da_nang", "quang_ngai", "toan_quoc"))
    assert merged["unit_code"] == "da_nang"  # two sources: a root of its own
    assert quang_ngai["unit_code"] != "quang_ngai"  # one source: its own root unit
    assert nation["unit_code"] == "toan_quoc"
    for root, source_codes in ((merged, ["quang_nam", "da_nang"]), (quang_ngai, ["quang_ngai"])):
        assert (root["received"], root["resolved"], root["pending"]) \
            == _expected_root(source_codes)
    assert {count: nation[count] for count in COUNTS} \
        == {count: merged[count] + quang_ngai[count] for count in COUNTS}
    assert nation["received"] > 0 and merged["received"] > quang_ngai["received"] > 0
    with psycopg.connect(conninfo) as conn:
        children = conn.execute(
            "select unit_code from mart.chi_thi_04_latest where tree_code = 'toan_quoc'"
            " and report_date = %s and parent_unit_code = 'toan_quoc' order by 1",
            (REPORT_DATE,)).fetchall()
    assert [code for (code,) in children] == sorted(["da_nang", quang_ngai["unit_code"]])
