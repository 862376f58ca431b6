"""The weekly report page: one self-contained HTML file per snapshot version, beside its workbook.

``reports/chi_thi_04_<tree>_<R>_v<n>.html`` opens from a disk or an e-mail attachment with no
network at all: its CSS, the trend chart (SVG drawn by pygal, its script and comments removed)
and everything else are inline, and it needs no JavaScript (tiles open with ``<details>``). It
shows the root's figures, the colour map (every unit a tile coloured by its overall colour,
grouped by level and parent, its rates on hover or tap), the regressions with their drill-down
(per regressed unit and indicator its worst dossiers, at most ``MAX_DOSSIERS_PER_LIST``, and a
line counting the rest, as in the workbook), and the root's rates over the last twelve
published weeks. Templates: ``templates/`` (Jinja2, autoescaped).

The page depends only on the published version's rows and recorded times: written twice, it is
the same bytes. Like the workbook, a version's page is written once; an existing one is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tthc_pipeline import sources
from tthc_pipeline.paths import read_sql
from tthc_pipeline.report.parked import parked_lines, parked_warnings
from tthc_pipeline.report.snapshot import RANKED_COLOURS
from tthc_pipeline.report.workbook import (
    CHANNEL_NAMES,
    COLOUR_FILLS,
    COLOUR_NAMES,
    INDICATOR_NAMES,
    MAX_DOSSIERS_PER_LIST,
    REASON_NAMES,
    UNIT_LEVEL_NAMES,
    more_dossiers_line,
)

TEMPLATES_DIR = Path(__file__).with_name("templates")
PAGE_TEMPLATE = "weekly_page.html.j2"
TREND_WEEKS = 12
# The three rated indicators: (key, rate column, colour column), in report order.
RATED = (("on_time", "on_time_rate", "on_time_colour"),
         ("online", "online_rate", "online_colour"),
         ("payment", "online_payment_rate", "payment_colour"))
TREND_COLOURS = ("#1d4e89", "#2a9d8f", "#b5179e")  # one per rated indicator, not map colours
THRESHOLD_NAMES = {"on_time_rate": "Đúng hạn", "online_rate": "Trực tuyến",
                   "online_payment_rate": "Thanh toán trực tuyến"}


@dataclass(frozen=True)
class PageContent:
    """What one version's page is made from, as read from the warehouse."""

    snapshot: dict[str, Any]
    rows: list[dict[str, Any]]  # mart.chi_thi_04_weekly, in tree order
    regressions: list[dict[str, Any]]  # workbook_regressions.sql
    unit_changes: list[dict[str, Any]]
    trend: list[dict[str, Any]]  # page_trend.sql, oldest first
    dossiers: list[dict[str, Any]]  # workbook_regression_dossiers.sql: the worst of each list


def page_name(report_file: str) -> str:
    """The page's file name: the workbook's, ending in .html."""
    return str(PurePath(report_file).with_suffix(".html"))


def write_page(conninfo: str, report_date: date, snapshot_version: int, folder: Path,
               tree_code: str | None = None) -> Path:
    """Write (once) the page of a snapshot version of report tree ``tree_code`` (default: the
    configured default tree) into ``folder``; return its path."""
    content = read_content(conninfo, report_date, snapshot_version, tree_code)
    path = folder / page_name(content.snapshot["report_file"])
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(render_page(content).encode("utf-8"))
    partial.replace(path)  # atomic: a crash never leaves a half-written page under its name
    return path


def read_content(conninfo: str, report_date: date, snapshot_version: int,
                 tree_code: str | None = None) -> PageContent:
    params = {"tree_code": sources.tree_or_default(tree_code), "report_date": report_date,
              "snapshot_version": snapshot_version, "weeks": TREND_WEEKS,
              "max_dossiers": MAX_DOSSIERS_PER_LIST}
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        conn.execute("set timezone to 'Asia/Ho_Chi_Minh'")  # times as the province reads them
        snapshot = conn.execute(read_sql("report/snapshot_info.sql"), params).fetchone()
        if snapshot is None:
            raise LookupError(f"no snapshot version {snapshot_version} of report {report_date}"
                              f" of tree {params['tree_code']}")
        return PageContent(
            snapshot=snapshot,
            rows=conn.execute(read_sql("report/workbook_rows.sql"), params).fetchall(),
            regressions=conn.execute(read_sql("report/workbook_regressions.sql"),
                                     params).fetchall(),
            unit_changes=conn.execute(read_sql("report/unit_changes.sql"), params).fetchall(),
            trend=conn.execute(read_sql("report/page_trend.sql"), params).fetchall(),
            dossiers=conn.execute(read_sql("report/workbook_regression_dossiers.sql"),
                                  params).fetchall(),
        )


def render_page(content: PageContent) -> str:
    """The page's HTML."""
    snapshot = content.snapshot
    return _environment().get_template(PAGE_TEMPLATE).render(
        snapshot=snapshot,
        title=(f"Báo cáo Chỉ thị 04 – {snapshot.get('tree_name') or snapshot['tree_code']}"
               f" – ngày {snapshot['report_date']:%d/%m/%Y}"),
        roots=[_unit(row) for row in content.rows if row["unit_depth"] == 0],
        groups=colour_map_groups(content.rows),
        colour_counts=_colour_counts(content.rows),
        regressed=regressed_units(content.rows, content.regressions, content.dossiers),
        has_previous=any(row.get("prev_overall_colour") for row in content.rows),
        unit_changes=content.unit_changes,
        thresholds=_threshold_lines(snapshot["thresholds"]),
        warnings=parked_warnings(snapshot["parked_in_period"], snapshot["max_parked_share"]),
        parked=parked_lines(snapshot["parked_by_rule"]),
        trend=[_trend_point(point) for point in content.trend],
        trend_svg=trend_chart(content.trend),
        colours=[{"code": code, "name": name, "fill": COLOUR_FILLS[code]}
                 for code, name in COLOUR_NAMES.items()],
        trend_legend=[{"name": INDICATOR_NAMES[key], "colour": colour}
                      for (key, _, _), colour in zip(RATED, TREND_COLOURS, strict=True)],
    )


def colour_map_groups(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The map's tiles grouped by level and parent: groups nearer the root first, then by
    level (Tỉnh, Sở/ban/ngành, Huyện, Phòng, Xã), then in tree order of their parent."""
    by_code = {row["unit_code"]: row for row in rows}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:  # tree order, so each group's tiles are too
        key = (row["unit_level"] or "", row["parent_unit_code"] or "")
        if key not in groups:
            parent = by_code.get(row["parent_unit_code"])
            groups[key] = {
                "level": row["unit_level"],
                "level_name": UNIT_LEVEL_NAMES.get(row["unit_level"], row["unit_level"] or "—"),
                "parent": None if parent is None else _unit(parent),
                "sort": (row["unit_depth"], _level_rank(row["unit_level"]),
                         "" if parent is None else parent["tree_path"]),
                "units": [],
            }
        groups[key]["units"].append(_unit(row))
    return sorted(groups.values(), key=lambda group: group["sort"])


def regressed_units(rows: Sequence[Mapping[str, Any]], regressions: Sequence[Mapping[str, Any]],
                    dossiers: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Each regressed unit once, in tree order, with its slipped indicators in report order,
    each with its listed dossiers (worst first) and how many more its full list has."""
    by_code = {row["unit_code"]: row for row in rows}
    lists: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for dossier in dossiers:
        lists.setdefault((dossier["unit_code"], dossier["indicator"]), []).append(
            _dossier(dossier))
    units: dict[str, dict[str, Any]] = {}
    for regression in regressions:
        unit = units.setdefault(regression["unit_code"], {
            **_unit(by_code[regression["unit_code"]]), "changes": []})
        listed = lists.get((regression["unit_code"], regression["indicator"]), [])
        in_list = listed[0]["dossiers_in_list"] if listed else 0
        unit["changes"].append({
            "indicator": regression["indicator"],
            "indicator_name": INDICATOR_NAMES[regression["indicator"]],
            "previous_colour": regression["previous_colour"],
            "colour": regression["colour"],
            "dossiers": listed,
            "dossier_count": in_list,
            "new_count": sum(1 for d in listed if d["is_new"]),
            "more": more_dossiers_line(in_list - len(listed)) if in_list > len(listed) else "",
        })
    return list(units.values())


def _dossier(dossier: Mapping[str, Any]) -> dict[str, Any]:
    """A listed dossier as the drill-down table shows it."""
    return {
        **dossier,
        "reason_text": "; ".join(REASON_NAMES.get(reason, reason)
                                 for reason in dossier["reason"].split(", ")),
        "channel_name": CHANNEL_NAMES.get(dossier["channel_code"], ""),
    }


def trend_chart(trend: Sequence[Mapping[str, Any]]) -> str:
    """The root's three rates per report date as an inline SVG line chart (pygal), without
    script, comments (pygal stamps today's date in one) or anything fetched. Its legend is the
    page's own (HTML wraps on a phone; pygal's cuts long names)."""
    import pygal
    from pygal.style import Style

    style = Style(background="transparent", plot_background="#ffffff",
                  foreground="#333333", foreground_strong="#111111", foreground_subtle="#999999",
                  font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
                  label_font_size=15, major_label_font_size=15, value_font_size=14,
                  colors=TREND_COLOURS)
    chart = pygal.Line(
        js=[], disable_xml_declaration=True, style=style, width=600, height=300,
        range=(0, 100), y_labels=[0, 20, 40, 60, 80, 100], show_legend=False,
        truncate_label=-1, dots_size=4, allow_interruptions=True,
        # twelve dates side by side collide on a phone: name every other one
        x_labels_major_every=2 if len(trend) > 6 else None, show_minor_x_labels=len(trend) <= 6,
        value_formatter=lambda value: _percent_text(value, 0), no_data_text="Chưa có số liệu")
    chart.uuid = "xu-huong"  # the SVG's id and CSS prefix: stable instead of a random uuid4
    chart.add_xml_filter(_static_svg)
    chart.x_labels = [f"{point['report_date']:%d/%m}" for point in trend]
    for key, rate_field, _ in RATED:
        chart.add(INDICATOR_NAMES[key], [_percent(point[rate_field]) for point in trend])
    return chart.render(is_unicode=True)


def _static_svg(root):
    """pygal's SVG without its <script> (the tooltips' config), its comments (one carries the
    date it was drawn) and with a Vietnamese <title> instead of "Pygal"."""
    from xml.etree import ElementTree

    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag is ElementTree.Comment or _local_name(child.tag) == "script":
                parent.remove(child)
    for child in root:
        if _local_name(child.tag) == "title":
            child.text = "Xu hướng tỷ lệ của toàn tỉnh qua các tuần"
    return root


def _local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _unit(row: Mapping[str, Any]) -> dict[str, Any]:
    """A unit's row as the template shows it: names, rates as text, colours."""
    rates = [{
        "key": key,
        "name": INDICATOR_NAMES[key],
        "rate": rate_text(row[rate_field]),
        "colour": row[colour_field],
        "colour_name": COLOUR_NAMES[row[colour_field]],
    } for key, rate_field, colour_field in RATED]
    hover = "; ".join(f"{r['name']}: {r['rate']} ({r['colour_name']})" for r in rates)
    return {
        **row,
        "level_name": UNIT_LEVEL_NAMES.get(row["unit_level"], row["unit_level"] or "—"),
        "rates": rates,
        "colour_name": COLOUR_NAMES[row["overall_colour"]],
        "previous_colour_name": COLOUR_NAMES.get(row.get("prev_overall_colour") or "", ""),
        "hover": f"{row['unit_name'] or row['unit_code']} ({row['unit_code']}) – {hover};"
                 f" màu chung: {COLOUR_NAMES[row['overall_colour']]}",
    }


def _colour_counts(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    counts = {code: 0 for code in COLOUR_NAMES}
    for row in rows:
        counts[row["overall_colour"]] += 1
    return [{"code": code, "name": COLOUR_NAMES[code], "count": n} for code, n in counts.items()]


def _threshold_lines(thresholds: Mapping[str, Mapping[str, float]]) -> list[str]:
    """The cut-offs stored with the version, in report order (jsonb keeps its own order)."""
    return [f"{name}: " + ", ".join(
        f"{COLOUR_NAMES[colour]} ≥ {_percent_text(float(thresholds[indicator][colour]) * 100, 0)}"
        for colour in RANKED_COLOURS[:-1]) + f", {COLOUR_NAMES['do']} dưới mức đó"
        for indicator, name in THRESHOLD_NAMES.items() if indicator in thresholds]


def _trend_point(point: Mapping[str, Any]) -> dict[str, Any]:
    return {"report_date": point["report_date"], "colour": point["overall_colour"],
            "colour_name": COLOUR_NAMES[point["overall_colour"]],
            "rates": [rate_text(point[rate_field]) for _, rate_field, _ in RATED]}


def _level_rank(level: str | None) -> int:
    levels = list(UNIT_LEVEL_NAMES)
    return levels.index(level) if level in levels else len(levels)


def _percent(rate: Decimal | float | None) -> float | None:
    return None if rate is None else round(float(rate) * 100, 2)


def rate_text(rate: Decimal | float | None) -> str:
    """A rate as Vietnamese write it: 97,5 %; "—" when there is nothing to rate."""
    return "—" if rate is None else _percent_text(float(rate) * 100)


def _percent_text(value: float | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}".replace(".", ",") + " %"


def number_text(value: int | None) -> str:
    """A count as Vietnamese write it: 12.345."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    environment.filters.update(
        number=number_text, rate=rate_text, colour_name=lambda code: COLOUR_NAMES.get(code, ""),
        day=lambda value: "" if value is None else f"{value:%d/%m/%Y}",
        moment=lambda value: f"{value:%H:%M %d/%m/%Y}")
    return environment
