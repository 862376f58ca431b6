"""Markdown tables from the JSON that ``bench/ingest.py`` writes (medians over the rounds).

    .venv/bin/python bench/report.py bench/out/ingest-<time>.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median  # noqa: E402

CONTENDERS = ("serve", "limit", "pipeline", "dlt", "dlt-tuned", "naive", "pipeline-before")
STAGES = ("extract", "extract_source", "extract_landing", "stage", "validate", "load")


def _ok(rounds: list[dict], kind: str) -> list[dict]:
    return [r[kind] for r in rounds if kind in r and "seconds" in r[kind]]


def _med(rounds: list[dict], kind: str, key: str = "seconds") -> float:
    return median([r[key] for r in _ok(rounds, kind) if key in r])


def summarise(report: dict) -> dict:
    """Per scale and contender: median seconds, dossiers/s, peak RSS (max over rounds)."""
    out = {}
    for scale, data in report["scales"].items():
        rounds = data["rounds"]
        scale = int(scale)
        rows = {}
        for kind in CONTENDERS:
            done = _ok(rounds, kind)
            if not done:
                continue
            seconds = _med(rounds, kind)
            row = {"runs": len(done), "seconds": seconds, "dossiers_per_s": scale / seconds,
                   "all_seconds": [round(r["seconds"], 1) for r in done],
                   "max_rss_mb": max(r["max_rss_mb"] for r in done),
                   "tree_rss_mb": max(r.get("tree_rss_mb", 0) for r in done),
                   "load": [round(r["load_average_before"][0], 2) for r in done]}
            if kind.startswith("pipeline"):
                row["per_stage"] = {s: median([r["per_stage"][s] for r in done])
                                    for s in STAGES}
                row["max_rss_by_stage"] = {s: max(r["max_rss_by_stage"][s] for r in done)
                                           for s in done[0]["max_rss_by_stage"]}
                row["publish_s"] = median([r["publish"]["seconds"] for r in done
                                           if "publish" in r])
                row["publish_rss_mb"] = max(r["publish"]["max_rss_mb"] for r in done
                                            if "publish" in r)
                row["records"] = done[0]["records"]
                row["quarantined"] = done[0]["quarantined"]
                row["quality_share"] = row["per_stage"]["validate"] / seconds
                row["by_entity"] = {
                    entity: {stage: median([r["entities"][entity][stage]["seconds"]
                                            for r in done])
                             for stage in ("extract", "stage", "validate", "load")}
                    for entity in done[0]["entities"]}
            rows[kind] = row
        out[scale] = rows
    return out


def render(report: dict) -> str:
    summary = summarise(report)
    lines = []
    for scale, rows in summary.items():
        lines.append(f"\n### {scale:,} dossiers (one window), medians of "
                     f"{max(r['runs'] for r in rows.values())} runs\n")
        lines.append("| contender | wall s (runs) | dossiers/s | vs limit | pipeline faster by |"
                     " peak RSS MB (largest process / whole tree) | load avg before |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        limit = rows.get("limit", {}).get("seconds")
        pipeline = rows.get("pipeline", {}).get("seconds")
        for kind, row in rows.items():
            vs_limit = f"{limit / row['seconds']:.2f}×" if limit else "–"
            speedup = f"{row['seconds'] / pipeline:.2f}×" if pipeline else "–"
            lines.append(
                f"| {kind} | {row['seconds']:.1f} ({', '.join(map(str, row['all_seconds']))})"
                f" | {row['dossiers_per_s']:,.0f} | {vs_limit} | {speedup} |"
                f" {row['max_rss_mb']:.0f} / {row['tree_rss_mb'] or row['max_rss_mb']:.0f} |"
                f" {', '.join(map(str, row['load']))} |")
        for name in ("pipeline", "pipeline-before"):
            if name not in rows:
                continue
            p = rows[name]
            lines.append(f"\n{name} stages (s, summed over the four entities; extract ="
                         " source fetch + landing):\n")
            lines.append("| " + " | ".join(STAGES) + " | publish_snapshot | quality share |")
            lines.append("|" + " --- |" * (len(STAGES) + 2))
            lines.append("| " + " | ".join(f"{p['per_stage'][s]:.1f}" for s in STAGES)
                         + f" | {p['publish_s']:.1f} | {p['quality_share']:.1%} |")
            lines.append("\nPeak RSS per task (MB): " + ", ".join(
                f"{s} {mb:.0f}" for s, mb in p["max_rss_by_stage"].items())
                + f", publish {p['publish_rss_mb']:.0f}")
            lines.append("\nPer entity (s): " + "; ".join(
                f"{e}: " + " / ".join(f"{v:.1f}" for v in st.values())
                for e, st in p["by_entity"].items()) + " (extract / stage / validate / load)")
            lines.append(f"\nRecords: {p['records']}, quarantined: {p['quarantined']}")
    scales = sorted(summary)
    if len(scales) >= 2:
        low, high = scales[0], scales[-1]
        lines.append(f"\n### Growth {low:,} → {high:,}\n")
        lines.append("| contender | dossiers/s | dossiers/s | change | peak RSS MB | peak RSS MB"
                     " | change |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        for kind in CONTENDERS:
            if kind in summary[low] and kind in summary[high]:
                a, b = summary[low][kind], summary[high][kind]
                lines.append(
                    f"| {kind} | {a['dossiers_per_s']:,.0f} | {b['dossiers_per_s']:,.0f} |"
                    f" {b['dossiers_per_s'] / a['dossiers_per_s'] - 1:+.0%} |"
                    f" {a['max_rss_mb']:.0f} | {b['max_rss_mb']:.0f} |"
                    f" {b['max_rss_mb'] / a['max_rss_mb'] - 1:+.0%} |")
    return "\n".join(lines)


def main() -> None:
    for path in sys.argv[1:]:
        print(render(json.loads(Path(path).read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
