"""The shared dossier-state model (sql/model/): the temporary tables that the Directive 04
report and the scorecards both read, built in one place so that a tree, a closure or a dossier
rule is written once.

- ``model_units``: the unit tree of a report tree at the cutoff (dw.unit_tree_at);
- ``model_unit_closure``: every (ancestor, unit) pair of that tree, a unit its own ancestor;
- ``model_procedures``: each procedure's catalogue version in force at the cutoff;
- ``model_dossier_candidates``: the dossiers that can count in [period_start, cutoff);
- ``model_dossier_steps``: of their status history before the cutoff, the last step in each
  interval the periods' starts cut it into;
- ``model_dossier_status``: their status in force at the cutoff and at each period's start;
- ``model_dossier_facts``: of those received by the cutoff, their state then, whatever the
  period (due dates in force, finished, paid online, the 766 verdict, working days);
- ``dossier_state`` (a view): every dossier that can count in [period_start, cutoff), its
  state then: its facts with what depends on the period's start.

Several periods that end at the same cutoff (a Friday's month, quarter and year to date) are
modelled together: the dossiers and their history are read once, for the earliest start, and
``dossier_state`` has one row per (period start, dossier that can count in that period); what
does not depend on the start is worked out once per dossier.

The candidates, their steps and their statuses are tables of their own, analysed, so that the
planner of the next step knows how many rows it joins (a CTE's estimate was off by hundreds of
times and chose nested loops over hundreds of thousands of rows). Merge joins are off while the
model is built: every join here is of a million-row side with one that fits ``work_mem``, and
the CTEs' estimates made the planner sort a million wide rows for a merge instead (the facts
step at 5M dossiers: 12.2–15.7 s with them, 10.5–12.6 s without, bench/RESULTS.md section 10).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import psycopg

from tthc_pipeline.paths import read_sql

MODEL_TABLES = ("model_units", "model_unit_closure", "model_procedures",
                "model_dossier_candidates", "model_dossier_steps", "model_dossier_status",
                "model_dossier_facts")
MODEL_VIEW = "dossier_state"
VIEW_STEP = "model/dossier_state.sql"
MODEL_STEPS = ("model/unit_tree.sql", "model/unit_closure.sql", "model/procedures.sql",
               "model/dossier_candidates.sql", "model/dossier_steps.sql",
               "model/dossier_status.sql", "model/dossier_facts.sql", "model/dossier_state.sql")
ANALYSED = {"model/unit_closure.sql": "model_unit_closure",
             "model/dossier_candidates.sql": "model_dossier_candidates",
             "model/dossier_steps.sql": "model_dossier_steps",
             "model/dossier_status.sql": "model_dossier_status"}


def build(conn: psycopg.Connection, tree_code: str, period_starts: Sequence[datetime],
          cutoff: datetime) -> None:
    """(Re)build the model's temporary tables in ``conn``'s transaction for the periods
    [start, cutoff) of every start of ``period_starts``: one transaction may model several
    cutoffs one after another (the scorecards), so older tables are dropped."""
    starts = sorted(set(period_starts))
    if not starts or starts[-1] >= cutoff:
        raise ValueError(f"period starts {starts} must be before the cutoff {cutoff}")
    conn.execute(f"drop view if exists pg_temp.{MODEL_VIEW}")
    for table in MODEL_TABLES:
        conn.execute(f"drop table if exists pg_temp.{table}")
    params = {"tree_code": tree_code, "period_starts": starts, "earliest_start": starts[0],
              "cutoff": cutoff}
    merge_joins = conn.execute("select current_setting('enable_mergejoin')").fetchone()[0]
    conn.execute("set local enable_mergejoin = off")
    for step in MODEL_STEPS:
        conn.execute(read_sql(step), params)
        if step in ANALYSED:
            conn.execute(f"analyze pg_temp.{ANALYSED[step]}")
    conn.execute("select set_config('enable_mergejoin', %s, true)", (merge_joins,))
