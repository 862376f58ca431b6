"""R2 from a hostile source: values no scenario file can hold, sent over real HTTP by a proxy in
front of the simulator, taken through the real daily DAGs. A record the strict parser refuses
costs that record only: it lands (its received text kept beside a stand-in) and is quarantined
as ``<entity>.unparseable_record`` under its key, with the reason; the rest of its page loads;
integers beyond 64 bits stay exact.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from helpers.dag_runs import pipeline_environment, run_daily_dags
from helpers.hostile import hostile_proxy
from helpers.pipeline import fresh_warehouse
from helpers.reconcile import batch_counts
from helpers.scenario import bad_share_threshold, write_scenario
from test_r2_bad_input import DAY, GOOD, NOW, good_dossier, good_payment, good_unit

from simulator import SimulatorConfig, start_simulator

pytestmark = pytest.mark.reliability

TOKEN = "hostile-token"
BIG_CODES = ("123456789012345678901", "123456789012345678902")  # one float apart


def with_raw_field(record: dict, field: str, raw: bytes) -> bytes:
    """``record`` as JSON text with one more field whose value is ``raw``, as sent."""
    text = json.dumps(record, ensure_ascii=False).encode()
    return text[:-1] + b', "' + field.encode() + b'": ' + raw + b"}"


def with_raw_key(record: dict, key_field: str, digits: str) -> bytes:
    """``record`` as JSON text whose key is the bare integer ``digits``."""
    text = json.dumps({**record, key_field: "@KEY@"}, ensure_ascii=False).encode()
    return text.replace(b'"@KEY@"', digits.encode())


# name → (key, raw record, a phrase of the reason)
HOSTILE_DOSSIERS = {
    "number beyond a double (1e400)": (
        "HS-INF", with_raw_field(good_dossier("HS-INF"), "DiemDanhGia", b"1e400"),
        "beyond the range of a double"),
    "lone surrogate (a truncated emoji)": (
        "HS-SURROGATE", with_raw_field(good_dossier("HS-SURROGATE"), "GhiChu", b'"Xin ch\\ud83d"'),
        "lone UTF-16 surrogate"),
    "NaN": ("HS-NAN", with_raw_field(good_dossier("HS-NAN"), "DiemDanhGia", b"NaN"),
            "NaN is not JSON"),
    "nesting 2,000 deep": (
        "HS-DEEP", with_raw_field(good_dossier("HS-DEEP"), "PhuLuc", b"[" * 2000 + b"]" * 2000),
        "nested too deeply"),
    "invalid UTF-8": (
        "HS-UTF8", with_raw_field(good_dossier("HS-UTF8"), "GhiChu", b'"Nguy\xe1\xbb n"'),
        "invalid UTF-8 at byte"),
}
HOSTILE_UNITS = {
    "NaN in the unit catalogue": (
        "000.00.20.H49", with_raw_field(good_unit("000.00.20.H49"), "SoBienChe", b"NaN"),
        "NaN is not JSON"),
}
HOSTILE_PAYMENTS = {
    "NaN amount": ("T-NAN", with_raw_field(good_payment("T-NAN"), "PhiDichVu", b"NaN"),
                   "NaN is not JSON"),
}
EXACT_DOSSIERS = [with_raw_key(good_dossier("X"), "MaHoSo", code) for code in BIG_CODES]


@pytest.fixture(scope="module")
def loaded(postgres_server, tmp_path_factory):
    folder = write_scenario(tmp_path_factory.mktemp("hostile"), **GOOD)
    injected = {
        "/api/v1/ho-so": [raw for _, raw, _ in HOSTILE_DOSSIERS.values()] + EXACT_DOSSIERS,
        "/api/v1/giao-dich": [raw for _, raw, _ in HOSTILE_PAYMENTS.values()],
        "/api/v1/don-vi": [raw for _, raw, _ in HOSTILE_UNITS.values()],
    }
    config = SimulatorConfig(token=TOKEN, scenario_dir=folder, now=NOW)
    with (fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(1.0),
          start_simulator(config) as sim, hostile_proxy(sim.url, injected) as url,
          pipeline_environment(warehouse, url, TOKEN)):
        run_daily_dags([DAY])  # raises if any task fails: the day completes
        yield warehouse


def query(conninfo: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.e2e
@pytest.mark.parametrize(("entity", "name"), [("ho_so", name) for name in HOSTILE_DOSSIERS]
                         + [("giao_dich", name) for name in HOSTILE_PAYMENTS]
                         + [("don_vi", name) for name in HOSTILE_UNITS])
def test_an_unparseable_record_is_quarantined_under_its_key_with_the_reason(loaded, entity, name):
    key_field = {"ho_so": "MaHoSo", "giao_dich": "MaThamChieu", "don_vi": "MaDinhDanh"}[entity]
    key, raw, reason = {**HOSTILE_DOSSIERS, **HOSTILE_PAYMENTS, **HOSTILE_UNITS}[name]
    rows = query(loaded, f"select rule, details ->> 'unparseable_reason' from quarantine.{entity}"
                 f" where record ->> '{key_field}' = %s", (key,))
    rules = dict(rows)
    assert f"{entity}.unparseable_record" in rules
    assert reason in rules[f"{entity}.unparseable_record"]
    [(text,)] = query(loaded, f"select record -> '_unparseable' ->> 'text' from raw.{entity}"
                      f" where record ->> '{key_field}' = %s", (key,))
    if name != "invalid UTF-8":  # the received text is kept as sent
        assert text == raw.decode()
    else:  # as close as text can be: the invalid bytes as U+FFFD
        assert text == raw.decode("utf-8", "replace")


@pytest.mark.e2e
def test_a_bad_value_in_an_unchecked_field_costs_only_its_own_rule(loaded):
    """The stand-in keeps every field a lenient parse reads, so no other rule fires."""
    for key in ("HS-INF", "HS-SURROGATE", "HS-NAN", "HS-UTF8"):
        assert query(loaded, "select rule from quarantine.ho_so where record ->> 'MaHoSo' = %s",
                     (key,)) == [("ho_so.unparseable_record",)], key


@pytest.mark.e2e
def test_the_rest_of_the_page_loads_and_big_integers_stay_exact(loaded):
    codes = {code for (code,) in query(loaded, "select dossier_code from dw.fact_dossier")}
    assert codes == {"HS-GOOD-1", "HS-GOOD-2", "HS-GOOD-3", *BIG_CODES}
    assert sorted(query(loaded, "select record ->> 'MaHoSo' from raw.ho_so"
                        " where jsonb_typeof(record -> 'MaHoSo') = 'number'")) == [
        (code,) for code in BIG_CODES]
    assert query(loaded, "select payment_ref from dw.fact_payment order by 1") == [
        ("T-GOOD-1",), ("T-GOOD-2",)]


@pytest.mark.e2e
def test_every_batch_reconciles_and_nothing_else_is_quarantined(loaded):
    for entity, status, received, duplicates, extracted, n_loaded, quarantined in batch_counts(
            loaded):
        assert status == "loaded", entity
        assert received == extracted + duplicates, entity
        assert extracted == n_loaded + quarantined, entity
        assert quarantined == {"ho_so": len(HOSTILE_DOSSIERS), "don_vi": len(HOSTILE_UNITS),
                               "giao_dich": len(HOSTILE_PAYMENTS)}.get(entity, 0), entity
    keys = {key for key, *_ in HOSTILE_DOSSIERS.values()}
    assert {key for (key,) in query(loaded, "select distinct record ->> 'MaHoSo'"
                                    " from quarantine.ho_so")} == keys
    assert query(loaded, "select rule from quarantine.don_vi") == [("don_vi.unparseable_record",)]
    assert query(loaded, "select count(*) from quarantine.thu_tuc") == [(0,)]


@pytest.mark.e2e
def test_a_cursor_that_loops_fails_the_extract_at_once_and_lands_nothing(postgres_server,
                                                                         tmp_path, capfd):
    """A next_cursor leading back to the first page: the old client paged for ever and filled
    the disk with uncommitted raw rows. Now the second visit fails the extract as a contract
    violation naming the window and the cursor; the catalogues of the same day still load."""
    from tthc_devtools.backfill import BackfillFailed

    folder = write_scenario(tmp_path / "loop", **GOOD)
    config = SimulatorConfig(token=TOKEN, scenario_dir=folder, now=NOW)
    with (fresh_warehouse(postgres_server) as warehouse, bad_share_threshold(1.0),
          start_simulator(config) as sim,
          hostile_proxy(sim.url, {}, frozenset({"/api/v1/ho-so"})) as url,
          pipeline_environment(warehouse, url, TOKEN)):
        with pytest.raises(BackfillFailed,
                           match=r"daily_dossiers__quang_nam .* failed: \['ho_so.extract'"):
            run_daily_dags([DAY], ("daily_catalogues__quang_nam", "daily_dossiers__quang_nam"))
        assert query(warehouse, "select entity from meta.load_batch order by 1") == [
            ("don_vi",), ("thu_tuc",)]
        assert query(warehouse, "select count(*) from raw.ho_so") == [(0,)]
    logged = capfd.readouterr()
    assert ("(window [20260406000000, 20260407000000)) page 2: next_cursor 'back-to-page-1' was"
            " already followed to page 2 of this window") in logged.out + logged.err
