"""
### Weekly Directive 04 report (Chỉ thị 04/CT-UBND): indicators, colours, regressions

**Publishes** every Friday, before 16:30 Asia/Ho_Chi_Minh, the snapshot of every unit of one
report tree of config/sources.yaml (one DAG per tree, `weekly_chi_thi_04__<tree>`: a province, a
merged province over several source systems, or the national rollup `toan_quoc`): dossiers
received, resolved early / on time / late, pending and overdue, online services and dossiers,
online payments, each unit's colour on the scorecard map and whether it
slipped since last week, with the dossiers behind each slip — into `mart.chi_thi_04_weekly`
(views `mart.chi_thi_04_latest`, `mart.chi_thi_04_regressions`,
`mart.chi_thi_04_regression_dossiers`), a workbook and a self-contained web page (`.html`: colour
map, regressions and their dossiers, trend) in the reports folder, a summary with both attached
through the notifier (`tthc_smtp` connection), and for each address of the Variable
`tthc_report_recipients` (`{"<unit code>": ["<address>", ...]}`) one mail with its units' own
workbook; every mail once per version and address (`meta.report_delivery`).

**Window**: the run for report date R (a Friday) covers the period [R − 7 days, R), its data
interval; it starts at R 00:00 and first waits until `meta.watermark` shows the daily loads of
every day of the period, for every source of the tree. Statuses are taken as of the cutoff
R 00:00 from the status history, so re-running an old report gives the numbers it gave then.

**Scorecards**: beside the snapshot (they read only `dw`, so the two use two cores), before
the workbook and the mails (which show them), `publish_scorecards` publishes the national 766
index and Quảng Ninh's PAR sub-index (config/scorecards/*.yaml) of every unit of the tree:
month-, quarter- and year-to-date forecasts as of the cutoff, and the final score of every
period that ended during the week, into `mart.scorecard_item` (views `mart.scorecard_latest`,
`mart.scorecard_766_weekly`), versioned like the snapshot. The workbook has a sheet for each
("Chỉ số 766", "PAR Quảng Ninh"); the summary names the province's 766 forecast and the three
units that lost most.

**Thresholds** of the colours are in `meta.colour_threshold` (edit the table; the next run uses
them and stores them with its snapshot).

**Catch-up**: `catchup=True` from `TTHC_START_DATE`, one run at a time: a Friday missed
while the scheduler was down still gets its run when it is back, and that run waits for the
daily catch-up to cover its period.

**Re-run / backfill**: a re-run on unchanged data publishes nothing new; changed data (late
corrections) publishes version n + 1 and keeps version n. The run of report date R has logical
date R − 7 days (the period's start): `airflow backfill create --dag-id weekly_chi_thi_04__<tree>
--from-date 2026-02-27T00:00:00+07:00 --to-date 2026-03-20T00:00:00+07:00 --max-active-runs 1
--reprocess-behavior completed` reports the Fridays 6/3 to 27/3, once the daily loads of their
periods are in. `make backfill START=… END=…` runs it for every Friday after the daily loads
it needs, and skips, with one line, a Friday whose period starts before START unless the
warehouse already holds those days.

**On failure**: `IncompleteData` names the late sources and their missing day windows: run those
sources' daily DAGs for them, then clear this run. A deadline alert fires when the run has not
finished by 16:30.
"""

from datetime import timedelta

from airflow.sdk import (
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    SyncCallback,
    dag,
    task_group,
)

from tthc_pipeline import sources
from tthc_pipeline.orchestration.daily import DEFAULT_ARGS, start_date, with_scope
from tthc_pipeline.orchestration.weekly import (
    export_workbook,
    publish_scorecards,
    publish_snapshot,
    send_summary,
    send_unit_reports,
    wait_for_daily_loads,
)


def publish_deadline(dag_id: str) -> DeadlineAlert:
    """A scheduled run's logical date is its interval's start, R − 7 days 00:00: the deadline
    is R 16:30."""
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=timedelta(days=7, hours=16, minutes=30),
        callback=SyncCallback("tthc_alerts.report_deadline_missed", kwargs={"dag_id": dag_id}),
    )


def weekly_dag(tree: sources.Tree):
    dag_id = sources.weekly_dag_id(tree.code)
    tree_sources = ", ".join(f"`{source.code}`" for source in sources.load().sources_of(tree.code))

    @dag(
        dag_id=dag_id,
        schedule=CronDataIntervalTimetable("0 0 * * 5", timezone="Asia/Ho_Chi_Minh"),
        start_date=start_date(),
        catchup=True,  # after a scheduler outage every missed Friday still runs, in order
        max_active_runs=1,
        dagrun_timeout=timedelta(hours=17),
        default_args=DEFAULT_ARGS,
        deadline=publish_deadline(dag_id),
        tags=["weekly", "report", "chi_thi_04", f"tree:{tree.code}"],
        description=f"Friday Directive 04 report: indicators, colours, regressions, workbook"
                    f" [{tree.code}]",
        doc_md=with_scope(__doc__, f"**Report tree**: `{tree.code}`, {tree.name}; sources"
                                   f" {tree_sources}"),
    )
    def weekly_chi_thi_04():
        @task_group(group_id="publish")
        def publish():
            snapshot = publish_snapshot(tree.code)
            # beside the snapshot (they read only dw): the workbook's 766 and PAR sheets and
            # the summary's 766 lines wait for both
            scorecards = publish_scorecards(tree.code)
            workbook = export_workbook(snapshot)
            scorecards >> workbook
            send_summary(snapshot, workbook)
            send_unit_reports(snapshot, workbook)

        # the group, not a task of it: both the snapshot and the scorecards wait for the loads
        wait_for_daily_loads(tree.code) >> publish()

    return weekly_chi_thi_04()


for report_tree in sources.load().trees:
    weekly_dag(report_tree)
