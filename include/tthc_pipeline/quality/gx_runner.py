"""Run an entity's Great Expectations suite over the staged rows of one batch (GX Core 1.x).

One ephemeral GX context per call, so parallel tasks share no ``gx/`` folder (pitfall 12): the
warehouse is a Postgres data source, the batch is a query asset selecting exactly that batch's
staged rows (``suites.batch_rows_sql``), and the suite is reloaded from its versioned JSON.
``create_temp_table`` makes GX materialise the query once: its metric queries then scan only
that table, and GX reads the column names from the catalogue (for a plain query asset it runs
the whole query to learn them, and psycopg2 pulls every row to the client). A failed
validation does not raise here (pitfall 14): the gate decides what failure means.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from tthc_pipeline.quality.suites import batch_rows_sql, load_suite

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult

_DRIVER = "postgresql+psycopg2"
_URL_FIELDS = ("user", "password", "host", "port", "dbname")
# GX's queries are a few large scans of one batch: JIT compilation (triggered by the planner's
# cost estimates) took longer than running them, and hash aggregates over a batch of a few
# hundred thousand rows spilled to disk at the default 4 MB.
_GX_SESSION_OPTIONS = "-c jit=off -c work_mem=64MB"


def sqlalchemy_url(conninfo: str, options: str = "") -> str:
    """A ``postgresql+psycopg2`` URL for a libpq conninfo, password URL-encoded. Never log it.

    ``options`` (server settings, ``-c name=value``) are added to the conninfo's own.
    """
    from psycopg.conninfo import conninfo_to_dict
    from sqlalchemy.engine import URL

    params = {key: str(value) for key, value in conninfo_to_dict(conninfo).items()}
    host, port = params.get("host"), params.get("port")
    # Socket directories and multi-host lists are not URL authorities: psycopg2 takes them
    # as query parameters, like sslmode or options.
    in_query = bool(host) and ("/" in host or "," in host)
    query = {key: value for key, value in params.items() if key not in _URL_FIELDS}
    if options:
        query["options"] = f"{query.get('options', '')} {options}".strip()
    if in_query:
        query.update({key: value for key, value in (("host", host), ("port", port)) if value})
    url = URL.create(
        _DRIVER,
        username=params.get("user"),
        password=params.get("password"),
        host=None if in_query else host,
        port=None if in_query or not port else int(port),
        database=params.get("dbname"),
        query=query,
    )
    return url.render_as_string(hide_password=False)


def run_suite(
    conninfo: str,
    entity: str,
    batch_id: int,
    *,
    parameters: Mapping[str, Any] | None = None,
    rules: Collection[str] | None = None,
    record_nos: Collection[int] | None = None,
    result_format: Mapping[str, Any] | None = None,
) -> ExpectationSuiteValidationResult:
    """Validate batch ``batch_id`` of ``entity`` against its suite.

    ``parameters`` fill the suite's ``{"$PARAMETER": ...}`` placeholders (e.g. the window);
    ``rules`` keeps only the named expectations, ``record_nos`` only those records.
    """
    import great_expectations as gx

    context = _ephemeral_context()
    source = context.data_sources.add_postgres(
        "warehouse", connection_string=sqlalchemy_url(conninfo, _GX_SESSION_OPTIONS),
        create_temp_table=True,
    )
    try:
        asset = source.add_query_asset(f"staging_{entity}",
                                       query=batch_rows_sql(entity, batch_id, record_nos))
        batch = asset.add_batch_definition_whole_table(f"batch_{batch_id}")
        suite = context.suites.add(gx.ExpectationSuite(**_suite_config(entity, rules)))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{entity}_batch_{batch_id}", data=batch, suite=suite)
        )
        return validation.run(
            expectation_parameters=dict(parameters or {}),
            result_format=dict(result_format or {"result_format": "SUMMARY"}),
        )
    finally:
        # The temporary table lives on the execution engine's connection: close it now,
        # not whenever the garbage collector gets to the context.
        source.get_execution_engine().engine.dispose()
        source.get_engine().dispose()


def _ephemeral_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),  # no tqdm bars in task logs
        analytics_enabled=False,  # workers have no internet
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _suite_config(entity: str, rules: Collection[str] | None) -> dict[str, Any]:
    config = copy.deepcopy(load_suite(entity))
    if rules is not None:
        unknown = set(rules) - {e["meta"]["rule"] for e in config["expectations"]}
        if unknown:
            raise ValueError(f"{entity} suite has no rules {sorted(unknown)}")
        config["expectations"] = [e for e in config["expectations"] if e["meta"]["rule"] in rules]
    return config
