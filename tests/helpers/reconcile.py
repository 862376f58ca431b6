"""What the warehouse must hold after daily runs, computed from the simulator's record store.

The expected side never goes through the pipeline: it applies the simulator's own clock
(``window_records``) to the stored records, as tests/e2e/test_daily_pipeline.py does, and keeps
per natural key the newest version served over the loaded windows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from simulator import DataSource, catalogue_records, window_records

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NATURAL_KEYS = {"don_vi": "MaDinhDanh", "thu_tuc": "MaTTHC", "ho_so": "MaHoSo",
                "giao_dich": "MaThamChieu"}


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN)


def parse_local(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN)


def newest_versions(source: DataSource, entity: str, days: Iterable[date],
                    now: datetime | None = None) -> dict[str, dict]:
    """Per natural key, the record as of its newest appearance across the days' windows."""
    if entity in ("don_vi", "thu_tuc"):
        return {r[NATURAL_KEYS[entity]]: r for r in catalogue_records(source, entity, now)}
    newest: dict[str, dict] = {}
    for day in days:
        start = local_midnight(day)
        for record in window_records(source, entity, start, start + timedelta(days=1), now):
            current = newest.get(record[NATURAL_KEYS[entity]])
            if current is None or record["NgayCapNhat"] >= current["NgayCapNhat"]:
                newest[record[NATURAL_KEYS[entity]]] = record
    return newest


def expected_dossiers(dossiers: dict[str, dict]) -> dict[str, tuple]:
    """code → (NgayCapNhat, status, status steps, supplement rounds, fee total)."""
    return {code: (parse_local(r["NgayCapNhat"]), int(r["TrangThaiHoSo"]), len(r["TienDo"]),
                   len(r["DanhSachHoSoBoSung"] or []),
                   sum(int(line["SoTien"]) for line in r["DanhSachLePhi"] or []))
            for code, r in dossiers.items()}


def loaded_dossiers(conninfo: str) -> dict[str, tuple]:
    """The same tuple per dossier as ``expected_dossiers``, read from dw."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "select d.dossier_code, d.source_updated_at, s.status_code,"
            " (select count(*) from dw.fact_dossier_status f where f.dossier_key = d.dossier_key),"
            " (select count(*) from dw.fact_dossier_supplement f"
            "   where f.dossier_key = d.dossier_key),"
            " d.fee_total"
            " from dw.fact_dossier d join dw.dim_status s on s.status_key = d.current_status_key"
        ).fetchall()
    return {code: tuple(rest) for code, *rest in rows}


def expected_payments(payments: dict[str, dict]) -> dict[str, tuple]:
    """ref → (status, amount, NgayCapNhat)."""
    return {ref: (r["TrangThai"], int(r["SoTien"]), parse_local(r["NgayCapNhat"]))
            for ref, r in payments.items()}


def loaded_payments(conninfo: str) -> dict[str, tuple]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute("select payment_ref, payment_status, amount, source_updated_at"
                            " from dw.fact_payment").fetchall()
    return {ref: tuple(rest) for ref, *rest in rows}


def current_catalogue(conninfo: str, entity: str) -> dict[str, int]:
    """Catalogue code → how many versions dw holds (one per distinct snapshot served)."""
    table, column = {"don_vi": ("dim_unit", "unit_code"),
                     "thu_tuc": ("dim_procedure", "procedure_code")}[entity]
    with psycopg.connect(conninfo) as conn:
        return dict(conn.execute(f"select {column}, count(*) from dw.{table}"
                                 f" where {column} <> '-1' group by {column}").fetchall())


def batch_counts(conninfo: str) -> list[tuple]:
    """Per batch, in order: (entity, status, n_received, n_duplicates, n_extracted, n_loaded,
    n_quarantined)."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "select entity, status, n_received, n_duplicates, n_extracted, n_loaded,"
            " n_quarantined from meta.load_batch order by batch_id").fetchall()
