"""The source systems and report trees this warehouse serves: ``config/sources.yaml``.

A **source** is one province's one-stop system and its payment platform, reached through two
Airflow connections; every batch and every ``dw`` row names its source, and natural keys are
unique per source. A **report tree** is what one Friday report covers: a source's own unit tree,
or a root of its own over several sources and child trees (a merged province still running two
systems; the national rollup ``toan_quoc`` over the provinces' trees).

The file is read when DAG files are parsed (one set of daily DAGs per source, one Friday DAG per
tree): a small local file, no database. Every run records it in ``meta.source`` and
``meta.report_tree`` (``record``), where the report's SQL reads the trees.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from tthc_pipeline.paths import PROJECT_ROOT, read_sql

if TYPE_CHECKING:  # parsing a DAG file reads this module: no database driver then
    import psycopg

SOURCES_FILE_ENV = "TTHC_SOURCES_FILE"
DEFAULT_SOURCES_FILE = PROJECT_ROOT / "config" / "sources.yaml"
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SYSTEMS = ("tthc", "payment")  # the two systems of a source, each behind its own connection


class SourceConfigError(ValueError):
    """config/sources.yaml is not usable; the message says where and why."""


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    tree: str
    tthc_connection: str
    payment_connection: str
    pool: str | None = None  # the Airflow pool of its extract tasks
    queue: str | None = None  # the Celery queue of its daily tasks

    def connection_id(self, system: str) -> str:
        """The Airflow connection of this source's ``system`` (``tthc`` or ``payment``)."""
        if system not in SYSTEMS:
            raise ValueError(f"unknown system {system!r}; expected one of {SYSTEMS}")
        return self.tthc_connection if system == "tthc" else self.payment_connection


@dataclass(frozen=True)
class Tree:
    code: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class SourceList:
    sources: tuple[Source, ...]
    trees: tuple[Tree, ...]

    def source(self, code: str) -> Source:
        for source in self.sources:
            if source.code == code:
                return source
        raise ValueError(f"unknown source {code!r}; configured: {[s.code for s in self.sources]}")

    def tree(self, code: str) -> Tree:
        for tree in self.trees:
            if tree.code == code:
                return tree
        configured = [t.code for t in self.trees]
        raise ValueError(f"unknown report tree {code!r}; configured: {configured}")

    @property
    def default(self) -> Source:
        """The first source: the one of a single-province deployment."""
        return self.sources[0]

    @property
    def default_tree(self) -> Tree:
        """The first top-level tree: what a report without a named tree covers."""
        return next(tree for tree in self.trees if tree.parent is None)

    def child_trees(self, code: str) -> tuple[Tree, ...]:
        return tuple(tree for tree in self.trees if tree.parent == code)

    def sources_of(self, code: str) -> tuple[Source, ...]:
        """Every source a tree sums: its own and its child trees', in configuration order."""
        codes = {code}
        for tree in self.trees:  # parents come first (checked on load), so one pass suffices
            if tree.parent in codes:
                codes.add(tree.code)
        return tuple(source for source in self.sources if source.tree in codes)


def tree_or_default(tree_code: str | None) -> str:
    """``tree_code``, or the configured default tree's when None."""
    return tree_code or load().default_tree.code


def sources_file() -> Path:
    value = os.environ.get(SOURCES_FILE_ENV, "").strip()
    return Path(value) if value else DEFAULT_SOURCES_FILE


def load(path: Path | None = None) -> SourceList:
    """The source list of ``path`` (default: ``TTHC_SOURCES_FILE``, else config/sources.yaml)."""
    path = path or sources_file()
    return _load_cached(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _load_cached(path: Path, _mtime: int) -> SourceList:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceConfigError(f"{path}: no such file (set {SOURCES_FILE_ENV})") from None
    except yaml.YAMLError as error:
        raise SourceConfigError(f"{path}: not YAML: {error}") from None
    return parse(document, where=str(path))


def parse(document: object, where: str = "sources") -> SourceList:
    """Check and build a source list from its parsed YAML; a clear error for every defect."""
    if not isinstance(document, dict):
        raise SourceConfigError(f"{where}: expected a mapping with `trees` and `sources`")
    trees = tuple(_tree(item, f"{where}: trees[{i}]")
                  for i, item in enumerate(_list(document, "trees", where)))
    sources = tuple(_source(item, f"{where}: sources[{i}]")
                    for i, item in enumerate(_list(document, "sources", where)))
    _check_unique([t.code for t in trees], f"{where}: tree")
    _check_unique([s.code for s in sources], f"{where}: source")
    seen: set[str] = set()
    for tree in trees:
        if tree.parent is not None and tree.parent not in seen:
            raise SourceConfigError(
                f"{where}: tree {tree.code!r} names parent {tree.parent!r}, which is not a tree"
                " listed before it")
        seen.add(tree.code)
    for source in sources:
        if source.tree not in seen:
            raise SourceConfigError(
                f"{where}: source {source.code!r} names tree {source.tree!r}, which is not listed")
    listed = SourceList(sources, trees)
    for tree in trees:
        if not listed.sources_of(tree.code):
            raise SourceConfigError(f"{where}: tree {tree.code!r} has no source")
    return listed


def _list(document: dict, key: str, where: str) -> list:
    items = document.get(key)
    if not isinstance(items, list) or not items:
        raise SourceConfigError(f"{where}: `{key}` must be a non-empty list")
    return items


def _fields(item: object, where: str, required: Iterable[str], optional: Iterable[str]) -> dict:
    if not isinstance(item, dict):
        raise SourceConfigError(f"{where}: expected a mapping")
    required, optional = tuple(required), tuple(optional)
    unknown = sorted(set(item) - set(required) - set(optional))
    if unknown:
        raise SourceConfigError(f"{where}: unknown field(s) {unknown}")
    for key in required:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise SourceConfigError(f"{where}: `{key}` must be a non-empty string")
    for key in optional:
        if key in item and item[key] is not None and not isinstance(item[key], str):
            raise SourceConfigError(f"{where}: `{key}` must be a string")
    values = {key: (item.get(key).strip() if isinstance(item.get(key), str) else None)
              for key in (*required, *optional)}
    for key in ("code", "tree", "parent"):
        if values.get(key) is not None and not _CODE.match(values[key]):
            raise SourceConfigError(
                f"{where}: `{key}` {values[key]!r} must be 2–40 lowercase letters, digits or _,"
                " starting with a letter")
    return values


def _tree(item: object, where: str) -> Tree:
    return Tree(**_fields(item, where, ("code", "name"), ("parent",)))


def _source(item: object, where: str) -> Source:
    return Source(**_fields(item, where, ("code", "name", "tree", "tthc_connection",
                                          "payment_connection"), ("pool", "queue")))


def _check_unique(codes: list[str], what: str) -> None:
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise SourceConfigError(f"{what} code(s) listed twice: {repeated}")


def record(conn: psycopg.Connection, listed: SourceList) -> None:
    """Record ``listed`` in meta.report_tree and meta.source (in the caller's transaction).

    Sources and trees no longer listed keep their rows, marked not configured: their batches,
    dimensions, facts and published reports still name them."""
    conn.execute("set constraints all deferred")
    conn.execute(read_sql("catalog/unconfigure_sources.sql"))
    for position, tree in enumerate(listed.trees):
        conn.execute(read_sql("catalog/record_report_tree.sql"),
                     {**asdict(tree), "position": position})
    for position, source in enumerate(listed.sources):
        conn.execute(read_sql("catalog/record_source.sql"),
                     {**asdict(source), "position": position})


# --- DAG ids: they name the source (daily) or the report tree (Friday) ---------------------------

DAILY_DAG_NAMES = ("daily_catalogues", "daily_dossiers", "daily_payments")
WEEKLY_DAG_NAME = "weekly_chi_thi_04"


def daily_dag_id(name: str, source_code: str) -> str:
    """E.g. ``daily_dossiers__quang_nam``."""
    return f"{name}__{source_code}"


def weekly_dag_id(tree_code: str) -> str:
    """E.g. ``weekly_chi_thi_04__toan_quoc``."""
    return f"{WEEKLY_DAG_NAME}__{tree_code}"


def daily_dag_ids(source_codes: Iterable[str] | None = None) -> tuple[str, ...]:
    """The daily DAG ids of ``source_codes`` (default: every configured source), a source's
    catalogues before its dossiers before its payments."""
    codes = tuple(source_codes) if source_codes is not None else tuple(
        source.code for source in load().sources)
    return tuple(daily_dag_id(name, code) for code in codes for name in DAILY_DAG_NAMES)
