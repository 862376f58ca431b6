"""Markdown tables from the JSON that ``bench/ingest.py`` writes (medians over the rounds).

    .venv/bin/python bench/report.py bench/out/ingest-<time>.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median  # noqa: E402

CONTENDERS = ("serve", "limit", "pipeline", "dlt", "dlt-tuned", "naive", "pipeline-serial",
              "pipeline-before")
STAGES = ("prepare", "extract", "extract_source", "stage", "validate", "load")
PIPELINES = ("pipeline", "pipeline-serial", "pipeline-before")


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
                row["per_stage"] = {s: median([r["per_stage"].get(s, 0.0) for r in done])
                                    for s in STAGES}
                row["process_seconds"] = median([r.get("process_seconds", r["seconds"])
                                                 for r in done])
                row["max_rss_by_stage"] = {s: max(r["max_rss_by_stage"][s] for r in done)
                                           for s in done[0]["max_rss_by_stage"]}
                row["publish_s"] = median([r["publish"]["seconds"] for r in done
                                           if "publish" in r])
                row["publish_rss_mb"] = max(r["publish"]["max_rss_mb"] for r in done
                                            if "publish" in r)
                row["server"] = _server_by_stage(done)
                row["autovacuum"] = _autovacuum_by_stage(done)
                row["records"] = done[0]["records"]
                row["quarantined"] = done[0]["quarantined"]
                row["quality_share"] = row["per_stage"]["validate"] / row["process_seconds"]
                row["by_entity"] = {
                    entity: {stage: median([r["entities"][entity][stage]["seconds"]
                                            for r in done])
                             for stage in ("extract", "stage", "validate", "load")}
                    for entity in done[0]["entities"]}
                # how long the payments' gate waited for the dossiers' load (no parking)
                row["payments_waited_s"] = median([
                    r["entities"]["giao_dich"]["validate"].get("waited_before_s", 0.0)
                    for r in done if "giao_dich" in r["entities"]])
            if all("cpu" in r for r in done):
                row["cpu"] = {key: median([r["cpu"][key] for r in done])
                              for key in done[0]["cpu"]}
            row["counts"] = done[0].get("counts")
            rows[kind] = row
        out[scale] = rows
        out[scale]["_counts_equal"] = all(r.get("counts_equal", True) for r in rounds)
    return out


def _stage_tasks(done: list[dict], stage: str) -> list[list[dict]]:
    """Per round, the tasks of one stage (one per entity; ``prepare``'s are the round's own)."""
    return [r["prepare"] if stage == "prepare" else
            [stages[stage] for stages in r["entities"].values()] for r in done]


def _server_by_stage(done: list[dict]) -> dict[str, dict[str, float | None]]:
    """Per stage, what the cluster did during its tasks (bench/common.cluster_marks), summed
    over the tasks, the median over rounds: WAL (MB), blocks not found in shared buffers (MB),
    temporary files (MB); and the most checkpoints started in one round. Empty for runs
    recorded without the marks; a counter recorded later than the WAL is None in older runs."""
    by_stage = {}
    for stage in ("prepare", "extract", "stage", "validate", "load"):
        tasks = _stage_tasks(done, stage)
        if not all(t and all("wal_mb" in task for task in t) for t in tasks):
            return {}
        blocks = _median(tasks, "blocks_read")
        by_stage[stage] = {
            "wal_mb": _median(tasks, "wal_mb"),
            "checkpoints": max(sum(task["checkpoints"] for task in t) for t in tasks),
            "blocks_mb": None if blocks is None else blocks * 8192 / 1e6,
            "temp_mb": _median(tasks, "temp_mb")}
    return by_stage


def _autovacuum_by_stage(done: list[dict]) -> dict[str, tuple[float, str]]:
    """Per stage: the median over rounds of the seconds autovacuum workers were seen busy
    during its tasks, and what they spent most of them on over all rounds (empty for runs
    recorded without the watch)."""
    by_stage = {}
    for stage in ("extract", "stage", "validate", "load"):
        tasks = _stage_tasks(done, stage)
        if not all("autovacuum_s" in task for t in tasks for task in t):
            return {}
        per_query: dict[str, float] = {}
        for task in (task for t in tasks for task in t):
            for query, seconds in task["autovacuum_s"].items():
                per_query[query] = per_query.get(query, 0.0) + seconds
        busiest = max(per_query, key=per_query.get, default="")
        by_stage[stage] = (median([sum(sum(task["autovacuum_s"].values()) for task in t)
                                   for t in tasks]), busiest)
    return by_stage


def _median(tasks: list[list[dict]], counter: str) -> float | None:
    """The median over rounds of a counter summed over a stage's tasks; None for runs
    recorded without it."""
    if not all(counter in task for t in tasks for task in t):
        return None
    return median([sum(task[counter] for task in t) for t in tasks])


def _per_stage(server: dict[str, dict], counter: str) -> str | None:
    """"stage value, …" for one counter of ``_server_by_stage``; None if a stage lacks it."""
    if not server or any(figures[counter] is None for figures in server.values()):
        return None
    return ", ".join(f"{stage} {figures[counter]:,.0f}" for stage, figures in server.items())


def render(report: dict) -> str:
    summary = summarise(report)
    lines = []
    for scale, rows in summary.items():
        counts_equal = rows.pop("_counts_equal")
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
        counted = {kind: row["counts"] for kind, row in rows.items() if row.get("counts")}
        if counted:
            lines.append(f"\nRecords stored, counted in each contender's tables"
                         f" ({'equal in every round' if counts_equal else '**NOT EQUAL**'}): "
                         + "; ".join(f"{kind} {counts}" for kind, counts in counted.items()))
        lines += _cpu_time(rows, report.get("cores"))
        lines += _dossier_chain(rows)
        for name in PIPELINES:
            if name not in rows:
                continue
            p = rows[name]
            lines.append(f"\n{name} stages (s: each task process's wall time, summed over the"
                         " entities; extract_source = the fetch thread's time inside extract,"
                         " overlapped with the landing):\n")
            lines.append("| " + " | ".join(STAGES) + " | all processes | elapsed"
                         " | publish_snapshot | quality share |")
            lines.append("|" + " --- |" * (len(STAGES) + 4))
            lines.append("| " + " | ".join(f"{p['per_stage'][s]:.1f}" for s in STAGES)
                         + f" | {p['process_seconds']:.1f} | {p['seconds']:.1f}"
                         f" | {p['publish_s']:.1f} | {p['quality_share']:.1%} |")
            lines.append("\nPeak RSS per task (MB): " + ", ".join(
                f"{s} {mb:.0f}" for s, mb in p["max_rss_by_stage"].items())
                + f", publish {p['publish_rss_mb']:.0f}")
            lines.append("\nPer entity (s): " + "; ".join(
                f"{e}: " + " / ".join(f"{v:.1f}" for v in st.values())
                for e, st in p["by_entity"].items()) + " (extract / stage / validate / load)")
            if p["server"]:
                lines.append(
                    "\nWAL the cluster wrote during each stage (MB, summed over the entities,"
                    " medians; the concurrent pipeline's tasks overlap, so each also counts the"
                    " others'), and checkpoints started meanwhile (most in a round): " + ", ".join(
                        f"{s} {f['wal_mb']:,.0f} MB ({f['checkpoints']} checkpoints)"
                        for s, f in p["server"].items()))
            if blocks := _per_stage(p["server"], "blocks_mb"):
                lines.append(
                    "\nBlocks each stage did not find in shared buffers (read, or added to a"
                    " table; MB, summed over the entities, medians; cluster-wide like the"
                    " WAL): " + blocks)
            if temp := _per_stage(p["server"], "temp_mb"):
                lines.append(
                    "\nWhat each stage's queries wrote to temporary files, past work_mem (MB,"
                    " summed over the entities, medians): " + temp)
            if p.get("autovacuum"):
                lines.append(
                    "\nAutovacuum workers seen busy during each stage (s, summed over the"
                    " entities and the workers, medians; mostly on): " + ", ".join(
                        f"{s} {seconds:.1f}" + (f" ({busiest})" if busiest else "")
                        for s, (seconds, busiest) in p["autovacuum"].items()))
            lines.append(f"\nRecords: {p['records']}; quarantined or parked by the gate, as"
                         f" each entity's own load left them: {p['quarantined']} (payments"
                         " parked for a dossier not loaded yet are released by the dossiers'"
                         " load: what was stored is the counts line above)")
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
    lines += _per_dossier_cost(summary)
    if "daily_window" in report:
        from daily_window import render as render_window

        lines.append(render_window(report["daily_window"]))
    return "\n".join(lines)


# The wall-time ratios that issue 18 and target P2 ask of the pipeline against a peer.
ASKED_OF_PEERS = (("issue 18", "dlt-tuned", 1.5), ("issue 18", "naive", 3.0),
                  ("P2", "dlt-tuned", 3.0))


def asked_walls(rows: dict[str, dict]) -> list[tuple[str, str, float, float]]:
    """Each target of ``ASKED_OF_PEERS`` whose peer ran: (who asks, peer, ratio, the wall time
    it asks of the pipeline, s)."""
    return [(name, peer, ratio, rows[peer]["seconds"] / ratio)
            for name, peer, ratio in ASKED_OF_PEERS if peer in rows]


def _cpu_time(rows: dict[str, dict], cores: int | None) -> list[str]:
    """The CPU time the machine spent during each contender (``common.cpu_account``), and what
    the targets against its peers leave the pipeline: a wall time W on ``cores`` cores holds at
    most ``cores`` × W CPU seconds, so a pipeline that spends more cannot reach W, however
    well it spreads over the cores."""
    measured = {kind: row for kind, row in rows.items() if "cpu" in row}
    if not measured or not cores:
        return []
    lines = [f"\nCPU time the machine spent during each contender (s, medians; every core,"
             f" every process; {cores} cores): the work, however it was spread\n",
             "| contender | wall s | CPU s | cores busy | Postgres | simulator | elsewhere"
             f" (its own processes, harness, OS) | least wall time on {cores} cores |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for kind, row in measured.items():
        cpu = row["cpu"]
        lines.append(f"| {kind} | {row['seconds']:.1f} | {cpu['machine_s']:.1f} |"
                     f" {cpu['machine_s'] / row['seconds']:.2f} | {cpu['server_s']:.1f} |"
                     f" {cpu['simulator_s']:.1f} | {cpu['elsewhere_s']:.1f} |"
                     f" {cpu['machine_s'] / cores:.1f} |")
    pipelines = [k for k in PIPELINES if k in measured]
    if not pipelines:
        return lines
    leanest = min(pipelines, key=lambda k: measured[k]["cpu"]["machine_s"])
    work = measured[leanest]["cpu"]["machine_s"]
    for name, peer, ratio, wall in asked_walls(measured):
        budget = cores * wall
        verdict = (f"{leanest}'s {work:.1f} CPU s would have to shrink by"
                   f" {1 - budget / work:.0%} even with every core busy throughout"
                   if work > budget else
                   f"{leanest}'s {work:.1f} CPU s fit if spread over the cores")
        lines.append(f"\n{name} ({ratio:g}× {peer}) is a wall time of {wall:.1f} s;"
                     f" {cores} cores give at most {budget:.1f} CPU s in it: {verdict}.")
    return lines


# A payments' gate that waited longer than this waited for the dossiers' load; the harness's
# own hand-over between two tasks takes microseconds.
_WAITED_S = 0.1


def _dossier_chain(rows: dict[str, dict]) -> list[str]:
    """The concurrent pipeline's longest chain of tasks, against the wall times the targets ask:
    the dossiers' extract, stage, validate and load each need the task before them, and the
    payments' gate and load follow that load when the gate waited for it (no parking within a
    day; runs of code without the wait leave them out), so however the other tasks overlap
    them, the run is not shorter than these tasks one after the other (medians of each task's
    process wall time). A target below the chain needs these tasks themselves shorter."""
    pipeline = rows.get("pipeline")
    if not pipeline or "ho_so" not in pipeline["by_entity"]:
        return []
    dossiers = pipeline["by_entity"]["ho_so"]
    tasks = [(f"dossiers' {stage}", dossiers[stage])
             for stage in ("extract", "stage", "validate", "load")]
    if pipeline.get("payments_waited_s", 0.0) > _WAITED_S:
        payments = pipeline["by_entity"]["giao_dich"]
        tasks += [("payments' validate", payments["validate"]),
                  ("payments' load", payments["load"])]
    chain = sum(seconds for _, seconds in tasks)
    lines = ["\nThe pipeline's longest chain of tasks (s, medians): "
             + " + ".join(f"{name} {seconds:.1f}" for name, seconds in tasks)
             + f" = {chain:.1f} s of its {pipeline['seconds']:.1f} s elapsed."]
    for name, peer, ratio, wall in asked_walls(rows):
        verdict = (f"the chain's tasks would have to be {1 - wall / chain:.0%} shorter"
                   if chain > wall else "the chain fits")
        lines.append(f"{name} ({ratio:g}× {peer}, a wall time of {wall:.1f} s): {verdict}.")
    return lines


def _per_dossier_cost(summary: dict) -> list[str]:
    """The dossier entity's tasks per dossier at each scale (the "per-row cost within ±15 %"
    across sizes): process wall time ÷ dossiers, medians over the rounds. The concurrent
    pipeline's dossier load also releases the payments parked before it."""
    stages = ("extract", "stage", "validate", "load")
    lines = ["\n### The dossier tasks' cost per dossier (ms)\n",
             "| contender | dossiers | " + " | ".join(stages) + " | load vs the smallest size |",
             "|" + " --- |" * (len(stages) + 3)]
    for kind in PIPELINES:
        first = None
        for scale in sorted(summary):
            if kind not in summary[scale]:
                continue
            cost = {s: 1000 * summary[scale][kind]["by_entity"]["ho_so"][s] / scale
                    for s in stages}
            first = first or cost["load"]
            lines.append(f"| {kind} | {scale:,} | " + " | ".join(f"{cost[s]:.3f}" for s in stages)
                         + f" | {cost['load'] / first - 1:+.0%} |")
    return lines if len(lines) > 3 else []


def main() -> None:
    for path in sys.argv[1:]:
        print(render(json.loads(Path(path).read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
