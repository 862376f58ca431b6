"""R1: the real daily DAGs against a simulator that faults on every kind at once survive, and the
warehouse reconciles exactly with the source: no record lost, none doubled.

Every fault kind is drawn at 10 % of list requests (so about half of all requests fail one way
or another, far worse than the target's 10 % in total), with pages small enough that windows
span several pages and duplicated records across pages really occur. The client runs its real
retry path; only its patience is tuned through the ``TTHC_SOURCE_*`` environment, as an
operator would, so that slow answers time out in half a second instead of thirty.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers.dag_runs import pipeline_environment, run_daily_dags
from helpers.reconcile import (
    VN,
    batch_counts,
    current_catalogue,
    expected_dossiers,
    expected_payments,
    loaded_dossiers,
    loaded_payments,
    newest_versions,
)

from simulator import FaultRates, SimulatorConfig, start_simulator
from simulator.faults import KINDS
from simulator.server import build_source
from tthc_pipeline.extract.client import ClientSettings, settings_from_env

pytestmark = pytest.mark.reliability

DAYS = [date(2026, 9, 7) + timedelta(days=i) for i in range(3)]
NOW = datetime(2026, 9, 15, tzinfo=VN)
FAULTS = FaultRates(rate_429=0.1, rate_5xx=0.1, rate_error_code=0.1, rate_slow=0.1,
                    rate_drop=0.1, rate_duplicate=0.1, retry_after=1, slow_seconds=1.5, seed=5)
CONFIG = SimulatorConfig(token="r1-token", seed=23, scale=1000, start=date(2026, 8, 10),
                         end=date(2026, 9, 12), now=NOW, faults=FAULTS)
# Read timeout 0.5 s < slow_seconds; backoff_max 1 s still honours Retry-After: 1; 25 attempts
# make giving up on a page (0.5 ** 25) practically impossible; pages of 100 records.
PATIENCE = {"TTHC_SOURCE_TIMEOUT": "2,0.5", "TTHC_SOURCE_MAX_ATTEMPTS": "25",
            "TTHC_SOURCE_BACKOFF_BASE": "0.02", "TTHC_SOURCE_BACKOFF_MAX": "1",
            "TTHC_SOURCE_PAGE_LIMIT": "100"}


@pytest.fixture
def patient_client(monkeypatch):
    for name, value in PATIENCE.items():
        monkeypatch.setenv(name, value)


@pytest.mark.e2e
def test_r1_every_run_completes_and_the_warehouse_reconciles_under_faults(warehouse,
                                                                          patient_client):
    with start_simulator(CONFIG) as sim, pipeline_environment(warehouse, sim.url, CONFIG.token):
        run_daily_dags(DAYS)  # raises if any task of any run fails
        faults = sim.fault_counts()
    assert all(faults.get(kind, 0) > 0 for kind in KINDS), faults  # every kind really happened

    source = build_source(CONFIG)
    dossiers = newest_versions(source, "ho_so", DAYS)
    payments = newest_versions(source, "giao_dich", DAYS)
    assert len(dossiers) > 300 and len(payments) > 50, "the scenario is too small to mean much"
    assert loaded_dossiers(warehouse) == expected_dossiers(dossiers)
    # Payments whose dossier was last updated before the first day wait, parked (see e2e).
    keyed = {ref: r for ref, r in payments.items() if r["MaHoSo"] in dossiers}
    assert loaded_payments(warehouse) == expected_payments(keyed)
    for entity in ("don_vi", "thu_tuc"):  # one version per code, every code
        served = newest_versions(source, entity, DAYS, NOW)
        assert current_catalogue(warehouse, entity) == dict.fromkeys(served, 1), entity

    batches = batch_counts(warehouse)
    assert {entity for entity, *_ in batches} == {"don_vi", "thu_tuc", "ho_so", "giao_dich"}
    for entity, status, received, duplicates, extracted, n_loaded, quarantined in batches:
        assert status == "loaded", entity
        assert received == extracted + duplicates and extracted == n_loaded + quarantined, entity
    assert sum(duplicates for *_, duplicates, _, _, _ in batches) > 0  # copies arrived, collapsed


@pytest.mark.unit
def test_r1_client_patience_comes_from_the_environment():
    assert settings_from_env(PATIENCE) == ClientSettings(
        timeout=(2.0, 0.5), max_attempts=25, backoff_base=0.02, backoff_max=1.0, page_limit=100)
    assert settings_from_env({"TTHC_SOURCE_TIMEOUT": "7"}).timeout == (7.0, 7.0)
    assert settings_from_env({}) == ClientSettings()


@pytest.mark.unit
@pytest.mark.parametrize(("name", "value"), [
    ("TTHC_SOURCE_TIMEOUT", "0"), ("TTHC_SOURCE_TIMEOUT", "1,2,3"),
    ("TTHC_SOURCE_MAX_ATTEMPTS", "0"), ("TTHC_SOURCE_PAGE_LIMIT", "5001"),
    ("TTHC_SOURCE_BACKOFF_BASE", "-1"), ("TTHC_SOURCE_BACKOFF_MAX", "soon"),
])
def test_r1_a_bad_patience_setting_is_refused_naming_the_variable(name, value):
    with pytest.raises(ValueError, match=f"{name}='{value}' is not valid"):
        settings_from_env({name: value})
