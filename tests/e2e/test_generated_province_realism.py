"""The generated province looks like a real one on the Directive 04 map (issue 17).

Nine Fridays of a generated province at the old Quảng Nam's volume (about 1,000 dossiers a
calendar day over the full unit tree), loaded from the simulator over HTTP through the
pipeline's own extract, stage, quality gate and load, and reported by the weekly report's own
SQL (``publish_snapshot``). Real provinces report on-time rates of about 93–99 % and a handful
of units changing colour in a week, so over the eight weeks that have a previous report:

- between 1 % and 10 % of the units regress each week (not a quarter of them);
- the province's on-time rate stays between 90 % and 99 %.

The seed is fixed, so the figures are the same on every run.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from simulator import SimulatorConfig, start_simulator
from tests.helpers.generated_province import load_province, local_midnight, publish_reports

pytestmark = pytest.mark.e2e

FIRST_REPORT = date(2026, 10, 30)
REPORTS = [FIRST_REPORT + timedelta(weeks=week) for week in range(9)]
# Four weeks of history before the first period: dossiers carried over into it.
FIRST_DAY = FIRST_REPORT - timedelta(weeks=5)
DOSSIERS_PER_DAY = 1000  # the old Quảng Nam: about 93,000 dossiers a quarter
CONFIG = SimulatorConfig(token="realism-token", seed=2022,
                         scale=DOSSIERS_PER_DAY * (REPORTS[-1] - FIRST_DAY).days,
                         start=FIRST_DAY, end=REPORTS[-1], now=local_midnight(REPORTS[-1]))


@pytest.fixture(scope="module")
def weeks(postgres_server):
    from tthc_pipeline.warehouse.migrations import apply_migrations

    conninfo = postgres_server.create_database()
    try:
        apply_migrations(conninfo)
        with start_simulator(CONFIG) as sim:
            load_province(conninfo, sim.url, CONFIG.token, FIRST_DAY, CONFIG.now)
        yield publish_reports(conninfo, REPORTS)
    finally:
        postgres_server.drop_database(conninfo)


def test_every_report_covers_the_whole_unit_tree(weeks):
    assert {week.units for week in weeks} == {488}  # 491 units, three communes merged away


def test_a_few_percent_of_the_units_regress_each_week(weeks):
    assert weeks[0].regressed == 0  # the first report has nothing to compare with
    shares = {week.report_date: round(week.regressed_share, 3) for week in weeks[1:]}
    assert all(0.01 <= share <= 0.10 for share in shares.values()), shares


def test_the_province_is_on_time_like_a_real_one(weeks):
    rates = {week.report_date: round(week.on_time_rate, 3) for week in weeks}
    assert all(0.90 <= rate <= 0.99 for rate in rates.values()), rates
