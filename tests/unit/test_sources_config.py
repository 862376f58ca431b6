"""config/sources.yaml: what a source list may say, and the clear error for what it may not."""

from __future__ import annotations

import pytest
import yaml

from tthc_pipeline import sources
from tthc_pipeline.sources import SourceConfigError, parse

pytestmark = pytest.mark.unit

NATIONAL = """
trees:
  - {code: toan_quoc, name: Toàn quốc}
  - {code: da_nang, name: Thành phố Đà Nẵng, parent: toan_quoc}
  - {code: quang_ngai, name: Tỉnh Quảng Ngãi, parent: toan_quoc}
sources:
  - {code: da_nang, name: Một cửa Đà Nẵng, tree: da_nang,
     tthc_connection: tthc_da_nang, payment_connection: payment_da_nang}
  - {code: quang_nam, name: Một cửa Quảng Nam (cũ), tree: da_nang,
     tthc_connection: tthc_quang_nam, payment_connection: payment_quang_nam, pool: source_quang_nam}
  - {code: quang_ngai, name: Một cửa Quảng Ngãi, tree: quang_ngai,
     tthc_connection: tthc_quang_ngai, payment_connection: payment_quang_ngai, queue: extract}
"""


def national():
    return parse(yaml.safe_load(NATIONAL))


def test_the_shipped_configuration_is_one_province():
    listed = sources.load(sources.DEFAULT_SOURCES_FILE)
    assert [s.code for s in listed.sources] == ["quang_nam"]
    assert listed.default.connection_id("tthc") == "tthc_system"
    assert listed.default.connection_id("payment") == "payment_platform"
    assert listed.default_tree.code == "quang_nam"


def test_a_tree_sums_its_own_and_its_child_trees_sources():
    listed = national()
    assert [s.code for s in listed.sources_of("toan_quoc")] == ["da_nang", "quang_nam",
                                                                 "quang_ngai"]
    assert [s.code for s in listed.sources_of("da_nang")] == ["da_nang", "quang_nam"]
    assert [s.code for s in listed.sources_of("quang_ngai")] == ["quang_ngai"]
    assert listed.default_tree.code == "toan_quoc"
    assert listed.source("quang_nam").pool == "source_quang_nam"
    assert listed.source("quang_ngai").queue == "extract"


def test_dag_ids_name_the_source_or_the_tree():
    assert sources.daily_dag_ids(["da_nang", "quang_ngai"]) == (
        "daily_catalogues__da_nang", "daily_dossiers__da_nang", "daily_payments__da_nang",
        "daily_catalogues__quang_ngai", "daily_dossiers__quang_ngai",
        "daily_payments__quang_ngai")
    assert sources.weekly_dag_id("toan_quoc") == "weekly_chi_thi_04__toan_quoc"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["sources"].append(dict(d["sources"][0])), r"source code\(s\) listed twice"),
    (lambda d: d["sources"][0].update(tree="hue"), "names tree 'hue', which is not listed"),
    (lambda d: d["trees"][1].update(parent="hue"), "names parent 'hue'"),
    (lambda d: d["trees"].reverse(), "not a tree listed before it"),
    (lambda d: d["sources"][0].update(code="Da-Nang"), "must be 2–40 lowercase letters"),
    (lambda d: d["sources"][0].pop("tthc_connection"), "`tthc_connection` must be a non-empty"),
    (lambda d: d["sources"][0].update(password="secret"), r"unknown field\(s\) \['password'\]"),
    (lambda d: d["sources"].pop(2), "tree 'quang_ngai' has no source"),
    (lambda d: d.update(sources=[]), "`sources` must be a non-empty list"),
])
def test_a_defect_is_refused_with_where_and_why(change, message):
    document = yaml.safe_load(NATIONAL)
    change(document)
    with pytest.raises(SourceConfigError, match=message):
        parse(document, where="sources.yaml")


def test_a_missing_or_broken_file_says_which(tmp_path, monkeypatch):
    monkeypatch.setenv(sources.SOURCES_FILE_ENV, str(tmp_path / "none.yaml"))
    with pytest.raises(SourceConfigError, match="none.yaml: no such file"):
        sources.load()
    broken = tmp_path / "broken.yaml"
    broken.write_text("trees: [", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="broken.yaml: not YAML"):
        sources.load(broken)
