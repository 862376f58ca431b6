"""R6: the weekly snapshot is published before Friday 16:30, or a deadline alert fires.

The scheduler creates a deadline for each scheduled run from the DAG's DeadlineAlert and runs
its callback once the deadline passes with the run unfinished; these tests check the parts that
are ours: that the deadline lands exactly on R 16:30 for every scheduled run, that the callback
path resolves from the plugins folder, and that the callback really alerts.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum
import pytest

pytestmark = pytest.mark.dags

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def weekly_dag():
    from airflow.dag_processing.dagbag import DagBag

    from tthc_pipeline.paths import PROJECT_ROOT

    bag = DagBag(str(PROJECT_ROOT / "dags"))
    return bag.dags["weekly_chi_thi_04__quang_nam"]


def deadline_alerts(dag) -> list:
    return dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]


def scheduled_runs(dag, count: int):
    """The first ``count`` scheduled runs' (logical date, data interval) after 2026-03-01."""
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable
    from airflow.timetables.base import TimeRestriction

    timetable = decode_timetable(encode_timetable(dag.timetable))  # as the scheduler has it
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 3, 1, tz="Asia/Ho_Chi_Minh"),
                                  latest=None, catchup=True)
    runs, last = [], None
    for _ in range(count):
        info = timetable.next_dagrun_info(last_automated_data_interval=last,
                                              restriction=restriction)
        runs.append(info)
        last = info.data_interval
    return runs


def test_r6_every_scheduled_run_has_its_deadline_at_friday_16_30(weekly_dag):
    from airflow.sdk import DeadlineReference

    [alert] = deadline_alerts(weekly_dag)
    assert alert.reference == DeadlineReference.DAGRUN_LOGICAL_DATE
    runs = scheduled_runs(weekly_dag, 6)  # across the Tết-free March and a month boundary
    for info in runs:
        report_date = info.data_interval.end.in_tz("Asia/Ho_Chi_Minh")
        assert report_date.weekday() == 4 and (report_date.hour, report_date.minute) == (0, 0)
        assert info.data_interval.end - info.data_interval.start == timedelta(days=7)
        deadline = info.logical_date + alert.interval
        assert deadline == datetime(report_date.year, report_date.month, report_date.day, 16, 30,
                                    tzinfo=VN)
    assert runs[0].data_interval.end.in_tz("Asia/Ho_Chi_Minh").date() == date(2026, 3, 13)


def test_r6_the_run_gives_up_waiting_before_the_deadline(weekly_dag):
    from tthc_pipeline.report.period import ReportPeriod

    period = ReportPeriod(date(2026, 3, 13))
    assert period.stop_waiting_at < period.deadline
    # The run starts at the cutoff; neither the sensor's own timeout nor the run's may cut the
    # wait short, so a late day fails with IncompleteData naming it, not a bare timeout.
    waited = period.stop_waiting_at - period.cutoff
    sensor = weekly_dag.task_dict["wait_for_daily_loads"]
    assert timedelta(seconds=sensor.timeout) > waited
    assert weekly_dag.dagrun_timeout > waited


def test_r6_the_deadline_callback_resolves_and_alerts(weekly_dag, caplog):
    [alert] = deadline_alerts(weekly_dag)
    module_name, _, function_name = alert.callback.path.rpartition(".")
    callback = getattr(importlib.import_module(module_name), function_name)
    with caplog.at_level(logging.WARNING, logger="tthc_pipeline.notify"):
        callback(**alert.callback.kwargs, context={"dag_run": None})
    [record] = [r for r in caplog.records if r.name == "tthc_pipeline.notify"]
    assert "not published by 16:30" in record.getMessage()
    assert "weekly_chi_thi_04__quang_nam" in record.getMessage()
