"""Step 3 of a batch: the data-quality gate between staging and the star schema.

``validate_batch`` evaluates the entity's GX suite over the staged batch in Postgres (the suite
compiled to SQL, ``compiled``: GX's conditions and figures, without importing GX), and in one
transaction, under the batch's lock, materialises the batch rows, counts every rule, names every
failing row and replaces the batch's quarantine rows (one per record and rule, with the raw
record), its ``meta.dq_run`` / ``meta.dq_result`` summaries and its status (validated or
rejected). A row that fails any rule is quarantined and does not load
(``staging.<entity>_loadable``). If the share of distinct bad rows passes ``max_bad_share`` the
batch is marked ``rejected`` and ``BatchRejected`` is raised after the commit, so the evidence
stays for the data engineer. A batch already loaded or superseded is past the gate: validating
it again returns the figures recorded then and changes nothing.

Rows that fail only a reference rule (a unit, procedure or dossier that has not arrived) are
parked: ``transform.release`` loads them inside the load that brings what they wait for.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from tthc_pipeline.crashpoints import crash_point
from tthc_pipeline.entities import entity as entity_definition
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.paths import read_sql
from tthc_pipeline.quality.compiled import GX_VERSION, evaluate_suite
from tthc_pipeline.quality.failures import (
    QualityCheckMismatch,
    RuleExecutionError,
    RuleOutcome,
)
from tthc_pipeline.quality.suites import Rule, load_suite, suite_rules
from tthc_pipeline.transform.batches import Batch, lock_batch, read_batch

__all__ = [
    "BatchRejected",
    "GateResult",
    "QualityCheckMismatch",
    "RuleExecutionError",
    "validate_batch",
]

log = logging.getLogger(__name__)

_SAMPLE_SIZE = 5  # failing rows shown per rule in meta.dq_result.observed
_TOP_RULES = 3  # rules named in a rejection message
_LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # windows are reported as the province reads them


@dataclass(frozen=True)
class GateResult:
    n_checked: int
    n_quarantined: int  # distinct rows quarantined (a row failing two rules counts once)
    by_rule: dict[str, int]  # failing rows per rule
    success: bool  # every rule passed: nothing quarantined


class BatchRejected(PermanentError, RuntimeError):
    """Too many bad rows: the whole batch stays out of the warehouse."""


@dataclass(frozen=True)
class _StagedBatch:
    batch_id: int
    entity: str
    window_start: datetime
    window_end: datetime
    n_staged: int
    source_code: str

    @property
    def parameters(self) -> dict[str, datetime]:
        """The suites' runtime parameters (``{"$PARAMETER": "window_start"}``...)."""
        return {"window_start": self.window_start, "window_end": self.window_end}


@dataclass(frozen=True)
class _Verdict:
    n_bad: int  # distinct quarantined rows
    n_defective: int  # of those, the rows that count: failing a rule that is not excused
    share: float
    max_bad_share: float
    by_rule: dict[str, int]
    samples: dict[str, list]

    @property
    def rejected(self) -> bool:
        return self.share > self.max_bad_share


def validate_batch(conninfo: str, batch_id: int, max_bad_share: float) -> GateResult:
    """Run the entity's suite over staged batch ``batch_id``; quarantine its failing rows.

    Idempotent: running it again over the same batch replaces its quarantine and results.
    Raises ``BatchRejected`` when distinct bad rows / staged rows > ``max_bad_share``.
    """
    if not 0 <= max_bad_share <= 1:
        raise ValueError(f"max_bad_share must be a fraction in [0, 1], not {max_bad_share}")
    recorded = read_batch(conninfo, batch_id)
    if recorded.is_finished:
        log.info("%s: its gate figures stand as recorded", recorded.describe())
        return _recorded_result(conninfo, recorded)
    started = time.perf_counter()
    batch = _staged_batch(conninfo, batch_id)
    rules = {rule.name: rule for rule in suite_rules(batch.entity)}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        locked = lock_batch(conn, batch_id)
        if locked.is_finished:  # loaded or superseded by another run meanwhile
            raise RuntimeError(f"{locked.describe()} now, after this validation started;"
                               " validating it again returns the recorded figures")
        # A few large scans of one batch: JIT compilation (triggered by the planner's cost
        # estimates) took longer than running them, and hash aggregates over a batch of a few
        # hundred thousand rows spilled to disk at the default 4 MB.
        conn.execute("set local jit = off")
        conn.execute("set local work_mem = '64MB'")
        # Whether the references are due is read before the rows are checked: the daily DAGs
        # run side by side, and a catalogue committed between the two reads would otherwise
        # make rows checked without it count as bad data (read after, it finds them known).
        excused = _excused_rules(conn, batch, rules)
        outcomes = evaluate_suite(conn, batch.entity, batch_id, batch.parameters)
        verdict = _verdict(conn, batch, max_bad_share, excused)
        _record_run(conn, batch, outcomes, verdict,
                    elapsed_ms=round((time.perf_counter() - started) * 1000))
    crash_point("validate.after_commit", batch.entity)
    if verdict.rejected:
        raise BatchRejected(_rejection_message(batch, verdict))
    return GateResult(batch.n_staged, verdict.n_bad, verdict.by_rule,
                      success=not verdict.n_bad)


def _recorded_result(conninfo: str, batch: Batch) -> GateResult:
    """The gate's figures of a finished batch, as its last validation recorded them."""
    with psycopg.connect(conninfo) as conn:
        run = conn.execute("select n_checked, n_bad_rows from meta.dq_run where batch_id = %s",
                           (batch.batch_id,)).fetchone()
        by_rule = dict(conn.execute(
            "select rule, unexpected_count from meta.dq_result"
            " where batch_id = %s and unexpected_count > 0", (batch.batch_id,)).fetchall())
    n_checked, n_bad = run if run else (batch.n_extracted or 0, 0)
    return GateResult(n_checked, n_bad, by_rule, success=not by_rule)


def _staged_batch(conninfo: str, batch_id: int) -> _StagedBatch:
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "select entity, window_start, window_end, status, n_extracted, source_code"
            " from meta.load_batch where batch_id = %s",
            (batch_id,),
        ).fetchone()
        if row is None:
            raise LookupError(f"no batch {batch_id} in meta.load_batch")
        entity, window_start, window_end, status, n_extracted, source_code = row
        if n_extracted is None:
            raise ValueError(f"batch {batch_id} is not staged yet (run stage_batch first)")
        (n_staged,) = conn.execute(
            sql.SQL("select count(*) from staging.{} where batch_id = %s")
            .format(sql.Identifier(entity)),
            (batch_id,),
        ).fetchone()
    return _StagedBatch(batch_id, entity, window_start, window_end, n_staged, source_code)


def _entity_tables(entity: str) -> dict[str, sql.Identifier]:
    return {"quarantine": sql.Identifier("quarantine", entity),
            "raw": sql.Identifier("raw", entity)}


def _excused_rules(conn: psycopg.Connection, batch: _StagedBatch,
                   rules: dict[str, Rule]) -> list[str]:
    """The reference rules whose parked rows do not count towards the rejection share.

    A dossier, for a payment, may arrive any later day (days loaded out of order, a payment
    extracted before its dossier): its parked payments wait without counting. A unit or
    procedure comes with the whole catalogue: once the catalogue is loaded for the batch's
    window, a record still naming one it lacks is bad data and counts (ten dossiers of an
    unknown unit must not pass as a green day); before that it waits. A unit whose parent the
    catalogue itself lacks counts at once: the batch is that whole catalogue. The verdict is
    as of validation: a dossier batch validated before its day's catalogue loaded excuses what
    the same batch validated afterwards would count, and the rows it parks load with their own
    batch if the catalogue is there by then (else with the catalogue's next load).
    """
    excused = []
    for name, rule in rules.items():
        if not rule.is_reference or rule.references == batch.entity:
            continue
        reference = entity_definition(rule.references)
        if reference.is_incremental or not _window_covered(conn, reference.name, batch):
            excused.append(name)
    return excused


def _window_covered(conn: psycopg.Connection, entity: str | None, batch: _StagedBatch) -> bool:
    if entity is None:
        raise ValueError(f"a reference rule of {batch.entity} does not name the entity it"
                         " waits for (meta.references in its suite)")
    (covered,) = conn.execute(read_sql("quality/window_covered.sql"), {
        "source_code": batch.source_code, "entity": entity, "window_start": batch.window_start,
        "window_end": batch.window_end}).fetchone()
    return covered


def _verdict(conn: psycopg.Connection, batch: _StagedBatch, max_bad_share: float,
             excused_rules: list[str]) -> _Verdict:
    """Swap in the batch's new quarantine rows (from ``dq_failure``) and weigh them: a row
    counts towards the rejection share unless every rule it fails is excused."""
    statement = sql.SQL(read_sql("quality/replace_quarantine.sql")).format(
        **_entity_tables(batch.entity))
    inserted = conn.execute(statement, {"batch_id": batch.batch_id}).rowcount
    n_failures, n_bad, n_defective = conn.execute(
        "select count(*), count(distinct record_no),"
        " count(distinct record_no) filter (where rule <> all(%s)) from dq_failure",
        (excused_rules,)).fetchone()
    if inserted != n_failures:
        raise QualityCheckMismatch(
            f"batch {batch.batch_id}: {n_failures - inserted} failing rows have no raw record"
        )
    summary = conn.execute(read_sql("quality/failure_summary.sql"),
                           {"sample_size": _SAMPLE_SIZE}).fetchall()
    return _Verdict(
        n_bad=n_bad,
        n_defective=n_defective,
        share=n_defective / batch.n_staged if batch.n_staged else 0.0,
        max_bad_share=max_bad_share,
        by_rule={rule: n for rule, n, _ in summary},
        samples={rule: sample for rule, _, sample in summary},
    )


def _record_run(conn: psycopg.Connection, batch: _StagedBatch, outcomes: list[RuleOutcome],
                verdict: _Verdict, elapsed_ms: int) -> None:
    # dq_result rows go with their dq_run (on delete cascade).
    conn.execute("delete from meta.dq_run where batch_id = %s", (batch.batch_id,))
    conn.execute(
        "insert into meta.dq_run (batch_id, entity, suite_name, gx_version, n_checked,"
        " n_bad_rows, bad_share, max_bad_share, is_rejected, duration_ms)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (batch.batch_id, batch.entity, load_suite(batch.entity)["name"],
         GX_VERSION, batch.n_staged, verdict.n_bad, verdict.share,
         verdict.max_bad_share, verdict.rejected, elapsed_ms),
    )
    with conn.cursor() as cur:
        cur.executemany(
            "insert into meta.dq_result (batch_id, rule, expectation, expectation_kwargs,"
            " is_reference, success, element_count, unexpected_count, unexpected_percent,"
            " observed) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [_result_row(batch.batch_id, o, verdict.samples.get(o.rule.name)) for o in outcomes],
        )
    conn.execute(
        "update meta.load_batch set n_quarantined = %(n_bad)s, status = case"
        " when %(rejected)s then 'rejected' else 'validated' end where batch_id = %(batch_id)s",
        {"batch_id": batch.batch_id, "n_bad": verdict.n_bad, "rejected": verdict.rejected},
    )


def _result_row(batch_id: int, outcome: RuleOutcome, sample: list | None) -> tuple:
    observed = {**outcome.observed, **({"sample": sample} if sample else {})}
    return (batch_id, outcome.rule.name, outcome.rule.expectation, Jsonb(outcome.kwargs),
            outcome.rule.is_reference, outcome.success, outcome.element_count,
            outcome.unexpected_count, outcome.unexpected_percent, Jsonb(observed))


def _rejection_message(batch: _StagedBatch, verdict: _Verdict) -> str:
    top = sorted(verdict.by_rule.items(), key=lambda item: (-item[1], item[0]))[:_TOP_RULES]
    start, end = (moment.astimezone(_LOCAL_TZ).isoformat()
                  for moment in (batch.window_start, batch.window_end))
    return (
        f"{batch.entity} batch {batch.batch_id} for window [{start}, {end})"
        f" rejected: {verdict.n_defective} of {batch.n_staged} rows"
        f" ({verdict.share:.2%}) failed quality rules, above the {verdict.max_bad_share:.2%}"
        f" threshold; top rules: {', '.join(f'{rule} ({n} rows)' for rule, n in top)}."
        f" Nothing of this batch is loaded. See quarantine.{batch.entity} and meta.dq_result"
        f" where batch_id = {batch.batch_id}."
    )
