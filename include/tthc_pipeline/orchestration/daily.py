"""The daily load DAGs: their tasks, the task group that takes one entity through them, and
the factory that builds a daily DAG from the entities it loads (``daily_dag``), one per source
of config/sources.yaml, so that a DAG file in ``dags/`` holds only what differs: its entities
and what it says about them.

Each task is a thin call into the pipeline package; heavy modules (GX, pandas) are imported
inside the task functions so that parsing a DAG file stays cheap.

What an operator sees without opening a log: every stage returns its counts as its XCom
(``return_value``, in the task's XCom tab); the load also attaches them to the event of the
warehouse asset it updates (Assets view); a failed task e-mails ``tthc_smtp``'s recipients
through ``plugins/tthc_alerts.py``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pendulum
from airflow.sdk import (
    Asset,
    BaseSensorOperator,
    CronDataIntervalTimetable,
    TriggerRule,
    chain,
    dag,
    task,
    task_group,
)
from tthc_alerts import task_failure_alert  # plugins/: on sys.path in every Airflow component

from tthc_pipeline import entities, sources
from tthc_pipeline.orchestration import resources
from tthc_pipeline.quality.suites import awaited_entities

log = logging.getLogger(__name__)

LOCAL_TZ = resources.LOCAL_TZ
DEFAULT_START = date(2026, 1, 1)
START_DATE_ENV = "TTHC_START_DATE"


def start_date() -> pendulum.DateTime:
    """The first day the DAGs schedule, 00:00 local: ``TTHC_START_DATE`` (YYYY-MM-DD) from the
    deployment's environment, else 2026-01-01. With catchup on, the scheduler runs every day
    from it, so a deployment sets it to where its warehouse history should begin. Read from the
    environment at parse time on purpose: parsing must not touch Variables or the DB."""
    value = os.environ.get(START_DATE_ENV, "").strip()
    try:
        day = date.fromisoformat(value) if value else DEFAULT_START
    except ValueError:
        raise ValueError(f"{START_DATE_ENV}={value!r} is not a date (YYYY-MM-DD)") from None
    return pendulum.datetime(day.year, day.month, day.day, tz=LOCAL_TZ)


WAREHOUSE_POOL_ENV = "TTHC_WAREHOUSE_POOL"


def warehouse_pool() -> str | None:
    """The Airflow pool of the tasks that work in the warehouse (stage, validate, load):
    ``TTHC_WAREHOUSE_POOL`` from the deployment's environment (compose creates the pool
    ``warehouse`` and sets it), else none (Airflow's default pool). Its slots bound the
    warehouse connections the daily loads of every source hold at once."""
    return os.environ.get(WAREHOUSE_POOL_ENV, "").strip() or None


ENTITY_ASSETS = {entity.name: Asset(entity.asset_uri) for entity in entities.all_entities()}
# Retries absorb a source that is briefly down (2, 4 min later, capped); a task stuck longer
# than an hour (a national day takes minutes) is killed so that the run fails loudly and alerts.
DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": task_failure_alert,
}


@contextmanager
def failing_fast() -> Iterator[None]:
    """Turn a failure no retry can fix (``PermanentError``) into ``AirflowFailException``, so
    the task fails and alerts at once instead of after the whole retry schedule."""
    from airflow.sdk.exceptions import AirflowFailException

    from tthc_pipeline.errors import PermanentError

    try:
        yield
    except PermanentError as error:
        raise AirflowFailException(f"{type(error).__name__}: {error}") from error


@task
def prepare_warehouse(**context: Any) -> None:
    """Check the hash key is configured, apply pending schema migrations and make sure the
    date dimension covers the window."""
    from tthc_pipeline.transform.load import refresh_dim_date
    from tthc_pipeline.warehouse.migrations import apply_migrations

    conninfo = resources.warehouse_conninfo()
    applied = apply_migrations(conninfo)
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    with failing_fast():  # no key, no load: refuse before anything is extracted
        resources.hash_key()
        first, last = resources.calendar_span(resources.run_window(context))
    refresh_dim_date(conninfo, first.date(), last.date())


@task
def extract(entity: str, source_code: str, **context: Any) -> dict[str, Any]:
    """Page through the source for the run's window and land every record in raw, as received."""
    from tthc_pipeline.extract.extract import extract_to_raw

    with failing_fast():
        window = resources.run_window(context)
        with resources.source_client(entity, source_code) as client:
            landed = extract_to_raw(client, resources.warehouse_conninfo(), entity, window.start,
                                    window.end, dag_id=context["dag"].dag_id,
                                    run_id=context["run_id"], source_code=source_code)
    log.info("%s %s %s: landed %d records as batch %d",
             source_code, entity, window, landed.n_received, landed.batch_id)
    return {"source": source_code, "entity": entity, "batch_id": landed.batch_id,
            "n_received": landed.n_received}


@task
def stage(batch: dict[str, Any]) -> dict[str, Any]:
    """Type and normalise the batch's raw records into staging (identical copies collapse)."""
    from tthc_pipeline.transform.stage import stage_batch

    with failing_fast():
        staged = stage_batch(resources.warehouse_conninfo(), batch["batch_id"])
    log.info("batch %d: %s", batch["batch_id"], staged)
    return {**batch, "n_staged": staged.n_staged, "n_duplicates": staged.n_duplicates}


# Outside the warehouse pool on purpose: the wait holds no warehouse connection, and must not
# hold a slot the loads it waits for need. Rescheduled between pokes, so no worker slot is held
# either; a poke every 2 s starts the gate within 2 s of the load's end (plus the scheduler's
# own delay in picking the sensor up again), each poke a short task process (a national day's
# wait of five minutes is 150 of them). After two hours it
# gives up (skipped) and the gate parks what is still missing, as it would without the wait.
REFERENCE_WAIT = {"mode": "reschedule", "poke_interval": 2.0,
                  "timeout": timedelta(hours=2).total_seconds(), "soft_fail": True}


class WaitForReferences(BaseSensorOperator):
    """Wait while the same day's load of what the batch's records reference (a payment's
    dossier) is still on its way in its own DAG, so that the gate finds those records loaded
    instead of parking them (``orchestration.waiting``).

    A sensor class rather than ``@task.sensor``: that decorator imports the standard
    provider's ``PythonSensor``, whose deprecation warning every DAG parse (and every command
    that imports this module) would print."""

    template_fields = ("batch",)

    def __init__(self, *, batch: Any, **kwargs: Any) -> None:
        super().__init__(**{**REFERENCE_WAIT, "doc_md": self.__doc__, **kwargs})
        self.batch = batch  # the stage task's XCom, resolved when the task runs

    def poke(self, context: Any) -> bool:
        from tthc_pipeline.orchestration.waiting import awaited_loads, loads_in_flight

        loads = awaited_loads(self.batch["entity"], self.batch["source"])
        pending = loads_in_flight(context["ti"], loads, context["logical_date"])
        if pending:
            log.info("batch %d waits for %s of the same logical date", self.batch["batch_id"],
                     ", ".join(f"{load.dag_id}: {load.task_id}" for load in pending))
        return not pending


@task
def validate(batch: dict[str, Any]) -> dict[str, Any]:
    """Run the entity's Great Expectations suite; quarantine failing rows with their rule.

    The return value (XCom tab) is the gate's summary: rows checked, rows quarantined and the
    count per rule. A rejected batch fails this task with the same figures in its error, and
    ``meta.dq_run`` / ``meta.dq_result`` keep them for every batch.
    """
    from tthc_pipeline.quality.gate import validate_batch

    with failing_fast():  # a rejected batch is not retried: the same rows fail again
        result = validate_batch(resources.warehouse_conninfo(), batch["batch_id"],
                                resources.max_bad_share())
    summary = quality_summary(result.n_checked, result.n_quarantined, result.by_rule)
    log.info("batch %d: %s", batch["batch_id"], summary["quality"])
    return {**batch, **summary}


def quality_summary(n_checked: int, n_quarantined: int, by_rule: dict[str, int]) -> dict[str, Any]:
    """The gate's figures as the validate task shows them, with a one-line reading first."""
    rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items(), key=lambda r: -r[1]))
    return {
        "quality": f"{n_checked} checked, {n_quarantined} quarantined"
                   + (f" ({rules})" if rules else ""),
        "n_checked": n_checked,
        "n_quarantined": n_quarantined,
        "quarantined_by_rule": dict(by_rule),
    }


def load_task(entity: str):
    """The load task of ``entity``, declaring the warehouse table it updates as its asset."""

    asset = ENTITY_ASSETS[entity]

    @task(task_id="load", outlets=[asset])
    def load(batch: dict[str, Any], **context: Any) -> dict[str, Any]:
        """Load the batch's good rows into the star schema in one transaction; record the watermark.

        The same transaction loads parked records (of any entity) whose missing reference this
        batch brings, supersedes older extractions of the window and empties the batch's
        staging. Re-running it on a loaded batch only repeats that release.

        The asset event it emits carries the window and the batch's counts, so the Assets view
        (and the weekly DAG it triggers) can tell what each update brought.
        """
        from tthc_pipeline.transform.load import load_batch

        with failing_fast():
            loaded = load_batch(resources.warehouse_conninfo(), batch["batch_id"],
                                resources.hash_key())
        log.info("batch %d: %s", batch["batch_id"], loaded)
        result = {**batch, "n_loaded": loaded.n_loaded}
        window = resources.run_window(context)
        context["outlet_events"][asset].extra = {
            "window_start": window.start.isoformat(), "window_end": window.end.isoformat(),
            **{key: result[key] for key in ("source", "entity", "batch_id", "n_received",
                                            "n_loaded", "n_quarantined") if key in result},
        }
        return result

    return load


@task
def scrub_personal_data(**context: Any) -> dict[str, int]:
    """Remove clear-text applicant fields from raw and quarantine records whose window ended
    more than ``tthc_raw_pii_retention_days`` days before this run's window did."""
    from tthc_pipeline.transform.retention import scrub_personal_data as scrub

    window = resources.run_window(context)
    with failing_fast():
        scrubbed = scrub(resources.warehouse_conninfo(),
                         window.end - timedelta(days=resources.raw_pii_retention_days()))
    log.info("personal data removed from %s", scrubbed)
    return scrubbed


def load_entity(entity: str, source: sources.Source):
    """Task group: extract → stage → validate → load for one entity of a source and the run's
    window (→ wait_for_references before validate when its records reference another
    incremental entity: a payment's dossier). The extract runs in the source's pool when it
    names one (config/sources.yaml), the warehouse steps in the warehouse pool when the
    deployment names one."""

    @task_group(group_id=entity, tooltip=f"{entity}: extract → stage → validate → load")
    def pipeline() -> None:
        # No return value on purpose: then calling the group yields the TaskGroup, and
        # chain(prepare_warehouse(), group) puts prepare_warehouse before its first task
        # (returning the load's XComArg would chain only the load and let extract race ahead
        # of the migrations).
        extract_task = extract.override(pool=source.pool) if source.pool else extract
        pool = warehouse_pool()
        in_warehouse = {"pool": pool} if pool else {}
        batch = stage.override(**in_warehouse)(extract_task(entity, source.code))
        if awaited_entities(entity):
            # the gate runs after the wait, or after it gave up (skipped)
            waited = WaitForReferences(task_id="wait_for_references", batch=batch)
            batch = validate.override(trigger_rule=TriggerRule.NONE_FAILED,
                                      **in_warehouse)(batch)
            waited >> batch
        else:
            batch = validate.override(**in_warehouse)(batch)
        load_task(entity).override(**in_warehouse)(batch)

    return pipeline()


# --- The DAG factory -----------------------------------------------------------------------------

# The paragraphs every daily DAG's documentation ends with; {dag_id} and {quarantine} are filled in.
COMMON_DOC = """
**Catch-up**: `catchup=True` from `TTHC_START_DATE` (the deployment's first day, default
2026-01-01), one run at a time: after a scheduler outage the scheduler creates every missed
day's run by itself, oldest first. It only moves forward from the latest scheduled or backfill
run: a day behind that run that never had one is not filled; backfill it.

**Re-run / backfill**: idempotent: re-running a day, or loading days out of order, gives the
same warehouse. Re-run one day: clear its run (or one failed task) in the UI. A range:
`airflow backfill create --dag-id {dag_id} --from-date 2026-03-01T00:00:00+07:00
--to-date 2026-03-31T00:00:00+07:00 --max-active-runs 1 --reprocess-behavior completed` (in
compose: `docker compose run --rm airflow-cli airflow backfill …`; give the +07:00 offset: a
bare date is read in Airflow's `default_timezone`, local in compose and `make` but UTC
on a stock Airflow, where it leaves out the first day), or `make backfill START=… END=…` on a
workstation (the same Airflow backfill, run in-process). Day D's backfill run has logical date
D 00:00, as the scheduler's, so the scheduler counts it done. Then check `meta.load_batch` for
every day (Airflow's backfill bookkeeping can mark a backfill complete early).

**Quality**: the `validate` task's XCom shows rows checked, quarantined and the count per rule;
history in `meta.dq_run` / `meta.dq_result`, bad rows in {quarantine}.

**On failure**: the failed task e-mails the `tthc_smtp` connection's recipients (logged only
when it is not set). `SourceError` = the source stayed unreachable after every retry: re-run
later. `BatchRejected` = the bad-row share passed the `tthc_max_bad_share` Variable (default
0.05): inspect the rules named in the error, have the source fixed (or raise the Variable
knowingly), clear the task.
"""


def with_scope(doc_md: str, scope: str) -> str:
    """A DAG file's documentation with the paragraph saying what it covers under its heading."""
    heading, _, rest = doc_md.strip().partition("\n")
    return f"{heading}\n\n{scope}\n\n{rest.strip()}"


def daily_dags(name: str, entity_names: Sequence[str], **options: Any) -> list:
    """The daily DAG ``name`` of every configured source (``<name>__<source>``)."""
    return [daily_dag(name, entity_names, source=source, **options)
            for source in sources.load().sources]


def daily_dag(name: str, entity_names: Sequence[str], *, source: sources.Source,
              description: str, doc_md: str, tags: Sequence[str], with_retention: bool = False):
    """The daily DAG ``name`` of one source: prepare the warehouse, then load each entity (in
    parallel when several), then, ``with_retention``, scrub applicant data past its retention.
    Day D's run covers [D 00:00, D+1 00:00) Asia/Ho_Chi_Minh and starts when that window has
    ended. Its tasks go to the source's Celery queue when it names one."""
    dag_id = sources.daily_dag_id(name, source.code)
    loaded = [entities.entity(entity_name) for entity_name in entity_names]
    elsewhere = [e.name for e in loaded if e.daily_dag != name]
    if elsewhere:  # the waits of other DAGs look for an entity's load in the DAG named there
        raise ValueError(f"{name} loads {elsewhere}, which the entity registry places in"
                         " another DAG (entities.Entity.daily_dag)")
    quarantine = " / ".join(f"`quarantine.{entity.name}`" for entity in loaded)
    connections = sorted({source.connection_id(entity.system) for entity in loaded})
    default_args = {**DEFAULT_ARGS, **({"queue": source.queue} if source.queue else {})}

    @dag(
        dag_id=dag_id,
        schedule=CronDataIntervalTimetable("0 0 * * *", timezone=LOCAL_TZ),
        start_date=start_date(),
        catchup=True,  # a scheduler outage leaves no day unrun: every missed window runs, in order
        max_active_runs=1,
        dagrun_timeout=timedelta(hours=3),
        default_args=default_args,
        tags=["daily", f"source:{source.code}", *connections, *tags],
        description=f"{description} [{source.code}]",
        doc_md=with_scope(doc_md, f"**Source**: `{source.code}`, {source.name} (connections"
                           f" {', '.join(f'`{c}`' for c in connections)}; config/sources.yaml)")
        + "\n" + COMMON_DOC.format(dag_id=dag_id, quarantine=quarantine),
    )
    def daily_load() -> None:
        groups = [load_entity(entity.name, source) for entity in loaded]
        steps: list[Any] = [prepare_warehouse(), groups if len(groups) > 1 else groups[0]]
        if with_retention:
            steps.append(scrub_personal_data())
        chain(*steps)

    return daily_load()
