"""Expressions and statements of the load, an earlier form beside the current one, timed alone.

A change to one part of a statement saves a few per cent of the load: less than two runs of
the whole load differ on a noisy machine (bench/RESULTS.md). Here each pair runs over the same
synthetic rows in one private cluster, the two forms taking turns ``--runs`` times, and must
give the same result (a checksum over every row) or the benchmark fails. Only the form's own
statement is timed, not its preparation or the checksum. Reported: the median seconds of each
form and the change.

- ``date_key``: the YYYYMMDD key of the Asia/Ho_Chi_Minh day of a moment, ``extract()``
  (numeric) before V021, ``date_part()`` (double precision) after;
- ``status_insert``: the status steps of new dossiers inserted into a table with the primary
  key and the ``status_at`` index of ``dw.fact_dossier_status`` (sql/load/fact_dossier_status.sql):
  in the order they come (the dossiers' order, random in the key, a hash) before, in the key's
  order after, the sort included. ``--rows`` is the steps;
- ``step_lists`` (tried, not kept: "after" is the alternative): the status-step lists of the
  content hash (sql/load/fact_dossier.sql), aggregated for the whole batch and hash-joined to
  the dossiers before, aggregated per dossier through the primary key (a lateral subquery, no
  hash table to outgrow ``work_mem``) after. ``--rows`` is the steps, five a dossier;
- ``staging_cleanup``: a staged batch of status steps leaving staging, deleted before,
  truncated after (``transform/load.py``), the rows written after the last checkpoint;
  ``staging_cleanup_after_checkpoint`` the same with a checkpoint between the two, as when one
  begins during a day's load. ``--rows`` is the steps.

    .venv/bin/python bench/expressions.py --rows 1000000 --runs 5 [--pairs step_lists]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import median  # noqa: E402

# name -> (setup, before, after); a form is the statement timed, or (prepare, timed, checksum)
_STATUS_TABLE = ("drop table if exists status; create table status (dossier_key bigint,"
                 " step_no integer, status_at timestamptz, room_name text, source_code text,"
                 " primary key (dossier_key, step_no)); create index on status (status_at)")
_STATUS_CHECKSUM = "select sum(hashtext(s::text)) from status as s"
_STEP_LIST = ("jsonb_agg(jsonb_build_array(t.ordinal, t.status_code, extract(epoch from"
              " t.processed_at), t.room_name, t.officer_code) order by t.ordinal)")
_STAGED_TABLE = ("drop table if exists staged; create table staged (batch_id bigint, record_no"
                 " integer, ordinal integer, status_code integer, processed_at timestamptz,"
                 " room_name text, officer_code text, primary key (batch_id, record_no, ordinal))")
_STAGED_FILL = ("insert into staged select 3, record_no, ordinal, (random() * 10)::integer,"
                " now() - random() * interval '300 days', 'Phòng ' || (random() * 20)::integer,"
                " 'CB' || (random() * 900)::integer from generate_series(1, %(rows)s / 5)"
                " as record_no, generate_series(1, 5) as ordinal")
_STAGED_CHECKSUM = "select count(*) from staged"
PAIRS = {
    "date_key": (
        "create table moments as select timestamptz '2020-01-01 00:00+07'"
        " + random() * interval '2000 days' as moment from generate_series(1, %(rows)s)",
        "select sum(coalesce((extract(year from day) * 10000 + extract(month from day) * 100"
        " + extract(day from day))::integer, -1)) from (select (moment at time zone"
        " 'Asia/Ho_Chi_Minh')::date as day from moments) as d",
        "select sum(coalesce((date_part('year', day) * 10000 + date_part('month', day) * 100"
        " + date_part('day', day))::integer, -1)) from (select (moment at time zone"
        " 'Asia/Ho_Chi_Minh')::date as day from moments) as d",
    ),
    "status_insert": (
        # the steps as they come: dossier by dossier, each dossier's key a hash
        "create table new_steps as select hashtextextended(dossier_no::text, 0) as dossier_key,"
        " step_no, now() - random() * interval '300 days' as status_at,"
        " 'Phòng ' || (random() * 20)::integer as room_name, 'QNM'::text as source_code"
        " from generate_series(1, %(rows)s / 5) as dossier_no, generate_series(1, 5) as step_no",
        (_STATUS_TABLE, "insert into status select * from new_steps", _STATUS_CHECKSUM),
        (_STATUS_TABLE, "insert into status select * from new_steps order by dossier_key, step_no",
         _STATUS_CHECKSUM),
    ),
    # A staged batch of status steps leaves staging (sql/load/unstage_table.sql): deleted row
    # by row before, truncated after (transform/load.py). Filled after the checkpoint, as in a
    # day no checkpoint began; the _after_checkpoint pair fills it before, as in a day one
    # began after staging: each page's first change after it goes to the WAL whole.
    "staging_cleanup": (
        "select 1",
        (_STAGED_TABLE, "delete from staged where batch_id = 3", _STAGED_CHECKSUM, _STAGED_FILL),
        (_STAGED_TABLE, "truncate staged", _STAGED_CHECKSUM, _STAGED_FILL),
    ),
    "staging_cleanup_after_checkpoint": (
        "select 1",
        (f"{_STAGED_TABLE}; {_STAGED_FILL}", "delete from staged where batch_id = 3",
         _STAGED_CHECKSUM),
        (f"{_STAGED_TABLE}; {_STAGED_FILL}", "truncate staged", _STAGED_CHECKSUM),
    ),
    "step_lists": (
        "create table steps (batch_id bigint, record_no integer, ordinal integer, status_code"
        " integer, processed_at timestamptz, room_name text, officer_code text, primary key"
        " (batch_id, record_no, ordinal)); insert into steps select 3, record_no, ordinal,"
        " (random() * 10)::integer, now() - random() * interval '300 days', 'Phòng '"
        " || (random() * 20)::integer, 'CB' || (random() * 900)::integer"
        " from generate_series(1, %(rows)s / 5) as record_no, generate_series(1, 5) as ordinal;"
        " create table dossiers as select 3::bigint as batch_id, record_no"
        " from generate_series(1, %(rows)s / 5) as record_no; analyze steps, dossiers",
        "select sum(hashtext(md5(st.steps::text))) from dossiers as d left join (select"
        f" t.record_no, {_STEP_LIST} as steps from steps as t where t.batch_id = 3 group by"
        " t.record_no) as st on d.record_no = st.record_no where d.batch_id = 3",
        "select sum(hashtext(md5(st.steps::text))) from dossiers as d left join lateral (select"
        f" {_STEP_LIST} as steps from steps as t where t.batch_id = 3 and t.record_no ="
        " d.record_no) as st on true where d.batch_id = 3",
    ),
}


def timed(conn, form: str | tuple[str, ...], rows: int) -> tuple[float, object]:
    """Seconds of the form's statement, and its checksum. A form is the statement, or
    (prepare, statement, checksum[, fill]): ``fill`` runs after the checkpoint, untimed."""
    prepare, statement, checksum, *fill = (None, form, None) if isinstance(form, str) else form
    if prepare:
        conn.execute(prepare % {"rows": rows})
        conn.execute("checkpoint")  # the dirty pages of the preparation are not the form's
    for statement_before in fill:
        conn.execute(statement_before % {"rows": rows})
    started = time.perf_counter()
    result = conn.execute(statement)
    elapsed = time.perf_counter() - started
    (value,) = conn.execute(checksum).fetchone() if checksum else result.fetchone()
    return elapsed, value


def main() -> None:
    import psycopg

    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pairs", nargs="+", choices=sorted(PAIRS), default=list(PAIRS))
    if not (run := common.start_run(parser, "expressions", render)):
        return
    args, stamp, output = run
    report: dict = {"started": stamp, "rows": args.rows, "runs": args.runs, "pairs": {}}
    with common.postgres() as pg, psycopg.connect(pg.create_database("expressions"),
                                                  autocommit=True) as conn:
        # as the load's session; a statement that writes, as the load's do, never runs in parallel
        conn.execute("set work_mem = '256MB'; set jit = off;"
                     " set max_parallel_workers_per_gather = 0")
        for name in args.pairs:
            setup, *forms = PAIRS[name]
            conn.execute(setup % {"rows": args.rows})
            seconds: list[list[float]] = [[], []]
            for run_no in range(args.runs):
                checksums = {}
                for form in (0, 1) if run_no % 2 == 0 else (1, 0):
                    elapsed, checksums[form] = timed(conn, forms[form], args.rows)
                    seconds[form].append(elapsed)
                if checksums[0] != checksums[1]:
                    raise SystemExit(f"{name}: the two forms disagree: {checksums}")
            report["pairs"][name] = {"before": seconds[0], "after": seconds[1]}
            common.log(f"{name}: before {median(seconds[0]):.3f} s,"
                       f" after {median(seconds[1]):.3f} s")
    common.write_json(output, report)
    common.log(f"results: {output}")
    print(render(report))


def render(report: dict) -> str:
    lines = [f"Rows: {report['rows']:,}; medians of {report['runs']} runs, the forms taking turns",
             "", "| expression | before s (each run) | after s (each run) | change |",
             "| --- | --- | --- | --- |"]
    for name, pair in report["pairs"].items():
        before, after = median(pair["before"]), median(pair["after"])
        runs = [", ".join(f"{s:.3f}" for s in pair[form]) for form in ("before", "after")]
        lines.append(f"| {name} | {before:.3f} ({runs[0]}) | {after:.3f} ({runs[1]}) |"
                     f" {after / before - 1:+.1%} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
