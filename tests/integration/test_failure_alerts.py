"""A failing task of the daily DAGs alerts its operators by e-mail (plugins/tthc_alerts.py).

A local SMTP sink (``helpers.smtp``) stands in for the province's mail server.
A real daily DAG fails inside ``dag.test()`` (its warehouse is down), so the callback is the
one ``DEFAULT_ARGS`` wires and the context is the one Airflow builds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pendulum
import pytest
from helpers.smtp import RECIPIENTS, Sink, free_port, running_sink, smtp_connection

from tthc_devtools.local_stack import environment

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    with running_sink() as sink:
        yield sink


@contextmanager
def warehouse_down() -> Iterator[None]:
    """The daily DAGs' connections, with the warehouse on a port where nothing listens."""
    from helpers.dag_runs import TEST_HASH_KEY

    with environment({
        "AIRFLOW_CONN_WAREHOUSE": f"postgresql://etl:pw@127.0.0.1:{free_port()}/warehouse",
        "AIRFLOW_CONN_PAYMENT_PLATFORM": f"http://:token@127.0.0.1:{free_port()}",
        "TTHC_HASH_KEY": TEST_HASH_KEY,
    }):
        yield


def test_a_failed_task_emails_the_recipients_of_tthc_smtp(smtp_sink):
    from helpers.dag_runs import load_dags_without_retries

    (dag,) = load_dags_without_retries(("daily_payments__quang_nam",))
    with warehouse_down():
        # A day no other test loads: dag.test() replaces any run of the same DAG and date.
        run = dag.test(logical_date=pendulum.datetime(2026, 1, 21, tz="Asia/Ho_Chi_Minh"))

    assert run.state == "failed"
    # Only the task that failed alerts; the ones it kept from running (upstream_failed) do not.
    assert len(smtp_sink.messages) == 1
    recipients, message = smtp_sink.messages[0]
    assert sorted(recipients) == sorted(RECIPIENTS)
    assert message["From"] == "etl@example.vn"
    assert message["Subject"] \
        == f"[TTHC] daily_payments__quang_nam.prepare_warehouse failed ({run.run_id})"
    body = message.get_body(("html", "plain")).get_content()
    assert "OperationalError" in body and "Connection refused" in body
    assert f"run {run.run_id}" in body


def test_an_unreachable_mail_server_is_logged_not_raised(caplog):
    from tthc_alerts import task_failure_alert

    ti = SimpleNamespace(dag_id="daily_dossiers__quang_nam", task_id="ho_so.extract",
                         run_id="scheduled__2026-03-10T17:00:00+00:00")
    context = {"task_instance": ti, "ti": ti, "run_id": ti.run_id,
               "exception": ConnectionError("source down")}
    with smtp_connection(free_port()), caplog.at_level(logging.WARNING):  # nothing listens
        task_failure_alert(context)

    logged = caplog.text
    assert "[TTHC] daily_dossiers__quang_nam.ho_so.extract failed" in logged
    assert "could not e-mail" in logged and "office@example.vn" in logged
