"""The shared dossier-state model (sql/model/): the temporary tables that the Directive 04
report and the scorecards both read, built in one place so that a tree, a closure or a dossier
rule is written once.

- ``model_units``: the unit tree of a report tree at the cutoff (dw.unit_tree_at);
- ``model_unit_closure``: every (ancestor, unit) pair of that tree, a unit its own ancestor;
- ``model_procedures``: each procedure's catalogue version in force at the cutoff;
- ``dossier_state``: every dossier that can count in [period_start, cutoff), its state then.
"""

from __future__ import annotations

from datetime import datetime

import psycopg

from tthc_pipeline.paths import read_sql

MODEL_TABLES = ("model_units", "model_unit_closure", "model_procedures", "dossier_state")
_MODEL_STEPS = ("model/unit_tree.sql", "model/unit_closure.sql", "model/procedures.sql",
                "model/dossier_state.sql")


def build(conn: psycopg.Connection, tree_code: str, period_start: datetime,
          cutoff: datetime) -> None:
    """(Re)build the model's temporary tables in ``conn``'s transaction: one transaction may
    model several periods one after another (the scorecards), so older ones are dropped."""
    for table in MODEL_TABLES:
        conn.execute(f"drop table if exists pg_temp.{table}")
    params = {"tree_code": tree_code, "period_start": period_start, "cutoff": cutoff}
    for step in _MODEL_STEPS:
        conn.execute(read_sql(step), params)
