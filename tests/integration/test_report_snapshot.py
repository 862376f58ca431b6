"""The snapshot publisher against a real warehouse: thresholds, colours, coverage, locking."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tthc_pipeline.report.period import ReportPeriod, missing_windows
from tthc_pipeline.report.snapshot import (
    InvalidThresholds,
    ReportWithoutRoot,
    publish_snapshot,
    read_thresholds,
)

pytestmark = pytest.mark.integration

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def colour(conninfo: str, rate: str | None, indicator: str = "on_time_rate") -> str:
    with psycopg.connect(conninfo) as conn:
        cuts = read_thresholds(conn)[indicator]
        return conn.execute("select mart.colour_of(%s::numeric, %s::jsonb)",
                            (rate, psycopg.types.json.Jsonb(cuts))).fetchone()[0]


@pytest.mark.parametrize("rate, expected", [
    ("1", "xanh"), ("0.98", "xanh"), ("0.9799", "vang"), ("0.95", "vang"), ("0.90", "cam"),
    ("0.8999", "do"), ("0", "do"), (None, "trang"),
])
def test_colours_follow_the_default_on_time_thresholds(warehouse, rate, expected):
    assert colour(warehouse, rate) == expected


def test_overall_and_ranks(warehouse):
    with psycopg.connect(warehouse) as conn:
        ranks = conn.execute("select mart.colour_rank(c) from unnest(array"
                             "['xanh','vang','cam','do','trang']) as c").fetchall()
    assert [r for (r,) in ranks] == [4, 3, 2, 1, None]


def test_edited_thresholds_take_effect_without_a_code_change(warehouse):
    with psycopg.connect(warehouse) as conn:
        conn.execute("update meta.colour_threshold set min_rate = 0.6"
                     " where indicator = 'online_rate' and colour = 'xanh'")
    assert colour(warehouse, "0.7", "online_rate") == "xanh"


def test_thresholds_out_of_order_are_refused_with_a_clear_message(warehouse):
    with psycopg.connect(warehouse) as conn:
        conn.execute("update meta.colour_threshold set min_rate = 0.99"
                     " where indicator = 'online_rate' and colour = 'cam'")
        with pytest.raises(InvalidThresholds, match="online_rate must give xanh ≥ vang"):
            read_thresholds(conn)


def test_a_report_without_a_root_unit_is_never_published(warehouse):
    with pytest.raises(ReportWithoutRoot, match="no root unit .* among its 0 units"):
        publish_snapshot(warehouse, date(2026, 3, 13))
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from mart.chi_thi_04_snapshot").fetchone() == (0,)


def test_missing_windows_name_every_uncovered_entity_and_day(warehouse):
    period = ReportPeriod(date(2026, 3, 13))
    with psycopg.connect(warehouse) as conn:
        for entity in ("don_vi", "thu_tuc", "ho_so", "giao_dich"):
            (batch_id,) = conn.execute(
                "insert into meta.load_batch (source_code, entity, window_start, window_end,"
                " status) values ('quang_nam', %s, %s, %s, 'loaded') returning batch_id",
                (entity, period.start, period.cutoff)).fetchone()
            if entity != "giao_dich":  # one window covering the whole week
                conn.execute("insert into meta.watermark (entity, window_start, window_end,"
                             " batch_id, loaded_at, source_code)"
                             " values (%s, %s, %s, %s, now(), 'quang_nam')",
                             (entity, period.start, period.cutoff, batch_id))
        day = datetime(2026, 3, 9, tzinfo=VN)
        conn.execute("insert into meta.watermark (entity, window_start, window_end, batch_id,"
                     " loaded_at, source_code) values ('giao_dich', %s, %s, %s, now(),"
                     " 'quang_nam')", (day, day.replace(day=10), batch_id))
    missing = missing_windows(warehouse, period)
    assert missing == [("quang_nam", "giao_dich", date(2026, 3, d))
                       for d in (6, 7, 8, 10, 11, 12)]
