"""The four source entities, each defined once: where it comes from and where it goes.

Everything that handles an entity reads it from here: the HTTP client (endpoint, key field,
which of a source's two systems serves it, incremental or whole catalogue), landing and
staging (``raw.<name>``, ``staging.<table>`` filled by ``sql/staging/<table>.sql``), the load
(``sql/load/<file>.sql`` in order), the warehouse asset its load updates, the Friday coverage
check and the report's wording. Its quality rules, reference rules included, live in its Great
Expectations suite ``expectations/<name>.json``.

Order matters: it is the order entities are loaded in and locked in (a unit before the
procedures and dossiers that name it, a dossier before its payments).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tthc_pipeline.paths import PROJECT_ROOT


@dataclass(frozen=True)
class Entity:
    name: str  # raw, staging and quarantine table; suite name; API noun
    endpoint: str  # GET path on the source system
    system: str  # which system of a source serves it: "tthc" (one-stop) or "payment"
    key_field: str  # the natural key: it names a record that cannot be parsed
    is_incremental: bool  # served by update window (else the whole catalogue every time)
    staging_tables: tuple[str, ...]  # the records' table first, then their child collections
    load_files: tuple[str, ...]  # the statements that load it into dw, in order
    asset_uri: str  # the warehouse table its load updates, as an Airflow asset
    dw_tables: tuple[str, ...]  # the dw tables its load writes (their statistics follow it)
    noun_vi: str
    noun_en: str
    # the daily DAG that loads it (dags/<daily_dag>.py; the DAG factory checks it): another
    # DAG's gate that waits for this entity's load of the same day asks that DAG's run
    daily_dag: str
    # scratch tables its load fills before its transaction (transform/prepare.py), in staging
    prepared_tables: tuple[str, ...] = ()

    @property
    def suite_path(self) -> Path:
        return PROJECT_ROOT / "expectations" / f"{self.name}.json"


_REGISTRY = (
    Entity(
        name="don_vi", endpoint="/api/v1/don-vi", system="tthc",
        key_field="MaDinhDanh", is_incremental=False, staging_tables=("don_vi",),
        load_files=("dim_unit",), asset_uri="warehouse://dw/dim_unit", dw_tables=("dim_unit",),
        noun_vi="đơn vị", noun_en="units", daily_dag="daily_catalogues"),
    Entity(
        name="thu_tuc", endpoint="/api/v1/thu-tuc", system="tthc",
        key_field="MaTTHC", is_incremental=False, staging_tables=("thu_tuc",),
        load_files=("dim_procedure", "bridge_procedure_unit"),
        asset_uri="warehouse://dw/dim_procedure",
        dw_tables=("dim_procedure", "bridge_procedure_unit"),
        noun_vi="thủ tục", noun_en="procedures", daily_dag="daily_catalogues"),
    Entity(
        name="ho_so", endpoint="/api/v1/ho-so", system="tthc",
        key_field="MaHoSo", is_incremental=True,
        staging_tables=("ho_so", "ho_so_tien_do", "ho_so_bo_sung", "ho_so_le_phi",
                        "ho_so_xin_loi"),
        load_files=("reset_written_dossier", "written_dossier", "fact_dossier",
                    "fact_dossier_status", "fact_dossier_supplement", "fact_dossier_apology"),
        asset_uri="warehouse://dw/fact_dossier",
        dw_tables=("fact_dossier", "fact_dossier_status", "fact_dossier_supplement",
                   "fact_dossier_apology"),
        noun_vi="hồ sơ", noun_en="dossiers", daily_dag="daily_dossiers",
        prepared_tables=("ho_so_applicant_hash", "ho_so_prepared")),
    Entity(
        name="giao_dich", endpoint="/api/v1/giao-dich", system="payment",
        key_field="MaThamChieu", is_incremental=True, staging_tables=("giao_dich",),
        load_files=("fact_payment",), asset_uri="warehouse://dw/fact_payment",
        dw_tables=("fact_payment",),
        noun_vi="giao dịch", noun_en="payments", daily_dag="daily_payments"),
)
ENTITIES: tuple[str, ...] = tuple(entity.name for entity in _REGISTRY)
_BY_NAME = {entity.name: entity for entity in _REGISTRY}


def entity(name: str) -> Entity:
    """The definition of entity ``name``; a clear error for any other name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown entity {name!r}; expected one of {ENTITIES}") from None


def all_entities() -> tuple[Entity, ...]:
    return _REGISTRY
