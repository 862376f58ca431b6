"""P5: the Friday materialisation (``publish_snapshot``) over millions of dossiers and 3,000 units.

The HTTP path cannot bring 5 M dossiers in a benchmark's time on this machine, so the star
schema is generated directly in SQL (``generate_series``), after the project's migrations, in
the shape the daily loads give it:

- 3,000 units in a three-level tree (a root, 60 provinces / departments, 2,939 local units),
  2,000 procedures (a third fully online, a third partly) each handled by 2-5 units, with the
  bridge rows;
- ``--dossiers`` dossiers received over the year before the report date (weekdays, office
  hours), 55 % online; each with its status history: submitted (1), received (2), in process
  (4), 0-2 supplement rounds (5 → 4, some never answered), an optional fee step (6 → 4), then
  finished (9, on time or late), returned (10), or withdrawn (7), stopped (8), refused (3);
  5-10 steps for a finished dossier; dossiers received in the last weeks are still pending;
- supplement rounds (with their due dates), payments for the fee-bearing half (online ones
  mostly through the gateway, some failed or refunded).

With ``--sources N`` (default 1) the units (3,000 in all, an equal tree per source: a root,
departments, local units), the 2,000 procedures (every source has the national catalogue's
codes, handled by its own units), the dossiers (each drawn uniformly into a source) and their
payments are spread over N sources named like config/sources.yaml's entries (``ha_noi``,
``ho_chi_minh``, …); every dw row carries its ``source_code`` and the keys V014's loads give it
(``dw.source_key`` / ``dw.source_version_key``). The source list (one tree per source, and with
N > 1 the national tree ``toan_quoc`` whose children they are) is written next to the output
and named by ``TTHC_SOURCES_FILE``, so the migrations record it in ``meta.source`` and
``meta.report_tree``.

The V015 fields are filled as the simulator's habits would: 70 % of finished dossiers with an
electronic result, 60 % of online ones VNeID-verified, four in five procedures eligible for full
process online and most fee-bearing ones payable online; one dossier in twenty is received and
resolved by the same officer, and nine late results in ten come with an apology letter.

Then ``publish_snapshot`` runs for the previous Friday (so that regressions have something to
compare with) and, timed, for the report date, side by side with ``publish_scorecards`` (the
766 and PAR forecasts of the month, quarter and year to date) as the Friday DAG runs them, each
in its own process ("together" is the wall time from their start to the end of the later one;
each process's own time is reported too), for the first source's
tree and, with N > 1, for ``toan_quoc``: the first run publishes version 1 of each, the next
ones recompute everything and find it unchanged. Each size gets its own database; the indexes
are built after the bulk insert, as a restore would, and the tables analysed.

    .venv/bin/python bench/friday.py --dossiers 1000000 2500000 5000000 --runs 3
    .venv/bin/python bench/friday.py --dossiers 1000000 --sources 34 --runs 3
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

REPORT_DATE = date(2026, 3, 27)
UNITS = 3000
VALID_FROM = "'2020-01-01 00:00+07'"


def _unit_code(source: str, number: str) -> str:
    """SQL: the code of unit ``number`` of the ``source``-th source (1-based): U0000…U2999 for
    the first (the codes of the one-source benchmark), U10000… for the second, U20000… for the
    third, so that no two sources share a unit code (unit codes are national identifiers)."""
    return (f"('U' || case when {source} = 1 then '' else ({source} - 1)::text end"
            f" || lpad(({number})::text, 4, '0'))")


# a procedure's k-th handling unit: one of its source's local units
_HANDLING_UNIT = "%(nd)s + 1 + ((i * 31 + k * 977) %% (%(us)s - %(nd)s - 1))"

# Generation, in order. %(n)s dossiers; %(r)s the report date's 00:00 local; %(codes)s the
# source codes (text[]); %(us)s units per source (a root, %(nd)s departments, the rest local).
GENERATE = [
    ("units", f"""
insert into dw.dim_unit (unit_key, unit_durable_key, source_code, unit_code, unit_name,
                         unit_level, parent_unit_code, area_code, is_active, valid_from,
                         row_hash)
select dw.source_version_key(source_code, code, {VALID_FROM}), dw.source_key(source_code, code),
       source_code, code, 'Đơn vị ' || code, level, parent, null, true, {VALID_FROM}, md5(code)
from (
    select c.source_code, {_unit_code("c.s", "j")} as code,
           case when j = 0 then 'tinh' when j <= %(nd)s then 'so_huyen' else 'xa' end as level,
           case when j = 0 then null when j <= %(nd)s then {_unit_code("c.s", "0")}
                else {_unit_code("c.s", "1 + (j * 7919) %% %(nd)s")} end as parent
    from unnest(%(codes)s::text[]) with ordinality as c (source_code, s)
    cross join generate_series(0, %(us)s - 1) as j
) as u
"""),
    # every source has the national catalogue's 2,000 procedure codes, handled by its own units
    ("procedures", f"""
insert into dw.dim_procedure (procedure_key, procedure_durable_key, source_code, procedure_code,
    procedure_name, field_code, field_name, procedure_level, online_level, has_fees,
    legal_duration_days, handling_unit_codes, is_full_process_eligible, has_online_payment,
    valid_from, row_hash)
select dw.source_version_key(c.source_code, code, {VALID_FROM}),
       dw.source_key(c.source_code, code), c.source_code, code, 'Thủ tục ' || code,
       'F' || (i %% 68), 'Lĩnh vực ' || (i %% 68), 'cap_' || (i %% 3),
       (array['khong', 'mot_phan', 'toan_trinh'])[1 + i %% 3], i %% 2 = 0, 3 + i %% 20,
       array(select {_unit_code("c.s", _HANDLING_UNIT)}
             from generate_series(1, 2 + i %% 4) as k order by 1),
       i %% 5 <> 0, i %% 2 = 0 and i %% 7 <> 0, {VALID_FROM}, md5(code)
from unnest(%(codes)s::text[]) with ordinality as c (source_code, s)
cross join (select i, format('P%%s', lpad(i::text, 5, '0')) as code
            from generate_series(1, 2000) as i) as p
"""),
    ("bridge", """
insert into dw.bridge_procedure_unit (procedure_key, unit_code, unit_durable_key, source_code)
select distinct p.procedure_key, u.code, dw.source_key(p.source_code, u.code), p.source_code
from dw.dim_procedure as p cross join lateral unnest(p.handling_unit_codes) as u (code)
where p.procedure_key <> -1
"""),
    # One row per dossier with its whole timeline; the facts below are cut from it. A dossier's
    # source is drawn uniformly from the sources.
    ("timelines", f"""
create unlogged table bench_timeline as
with base as (
    select
        i,
        hashint8(i) as h,
        -- a reception moment in the year before the report date, on a weekday, 07:30-17:00
        (%(r)s::timestamptz - interval '365 days'
            + interval '1 day' * floor(random() * 365)) as day
    from generate_series(1, %(n)s) as i
), placed as (
    select *,
        1 + ((h >> 40) & 8388607) %% cardinality(%(codes)s::text[]) as s,
        case extract(isodow from day at time zone 'Asia/Ho_Chi_Minh')
            when 6 then day - interval '1 day' when 7 then day - interval '2 days' else day end
        + interval '450 minutes' + interval '1 minute' * (random() * 570) as received_at,
        random() as u1, random() as u2, random() as u3, random() as u4, random() as u5
    from base
)
select
    i,
    (%(codes)s::text[])[s] as source_code,
    format('D%%s', i) as dossier_code,
    dw.source_key((%(codes)s::text[])[s], format('D%%s', i)) as dossier_key,
    {_unit_code("s", "%(nd)s + 1 + (h & 2147483647) %% (%(us)s - %(nd)s - 1)")} as unit_code,
    format('P%%s', lpad((1 + ((h >> 20) & 2147483647) %% 2000)::text, 5, '0')) as procedure_code,
    case when u1 < 0.55 then 2 when u1 < 0.95 then 1 else 3 end as channel_key,
    received_at - case when u1 < 0.55 then interval '1 day' * (u2 * 3) else '0'::interval end
        as submitted_at,
    received_at,
    received_at + interval '1 day' * (3 + floor(u3 * 20)) as due_at,
    -- outcome: 1.5 %% refused, 2 %% withdrawn, 1 %% stopped, else finished (late for 8 %%)
    case when u4 < 0.015 then 3 when u4 < 0.035 then 7 when u4 < 0.045 then 8 else 9 end
        as outcome,
    case when u5 < 0.10 then 1 when u5 < 0.13 then 2 else 0 end as rounds,
    u5 < 0.012 as rounds_unanswered,  -- a round never answered: the dossier waits
    u2 < 0.5 as has_fee,
    u3 < 0.3 as fee_step,
    received_at + interval '1 day'
            * (1 + floor(u3 * 20) * case when u2 < 0.08 then 1.6 else 0.8 end)
        + interval '1 hour' * (u4 * 8) as finished_at
from placed
"""),
    ("dossiers", """
insert into dw.fact_dossier (
    dossier_key, source_code, dossier_code, unit_durable_key, procedure_durable_key,
    channel_key, applicant_type_key, current_status_key, applicant_hash, submitted_at,
    received_at, due_at, finished_at, returned_at, submitted_date_key, received_date_key,
    due_date_key, finished_date_key, returned_date_key, supplement_count, fee_total,
    service_fee_total, levy_total, online_payment_code, is_paid_online,
    has_digitised_components, has_electronic_result, is_vneid_verified, source_updated_at)
select
    dossier_key, source_code, dossier_code, dw.source_key(source_code, unit_code),
    dw.source_key(source_code, procedure_code), channel_key,
    1, s.status, hmac(dossier_code, 'bench', 'sha256'), submitted_at,
    case when outcome = 3 then null else received_at end, due_at, f.finished, f.returned,
    dw.date_key(submitted_at), dw.date_key(case when outcome = 3 then null else received_at end),
    dw.date_key(due_at), dw.date_key(f.finished), dw.date_key(f.returned), rounds,
    case when has_fee then 200000 else 0 end, case when has_fee then 50000 else 0 end,
    case when has_fee then 150000 else 0 end, case when channel_key = 2 then 1 else 0 end,
    has_fee and channel_key = 2, true,
    f.finished is not null and (i::bigint * 7919) %% 100 < 70,
    channel_key = 2 and (i::bigint * 104729) %% 100 < 60,
    coalesce(f.returned, f.finished, received_at)
from bench_timeline as t
cross join lateral (
    select
        case when outcome in (7, 8, 9) and not rounds_unanswered then finished_at end as finished,
        case when outcome = 9 and not rounds_unanswered then finished_at + interval '1 day' end
            as returned
) as f
cross join lateral (
    select case
        when outcome = 3 then 3
        when rounds_unanswered then 5
        when outcome = 9 then 10
        else outcome end as status
) as s
"""),
    ("status steps", """
insert into dw.fact_dossier_status (dossier_key, step_no, status_key, status_at,
                                    status_date_key, room_name, officer_code, source_code)
select dossier_key, row_number() over (partition by dossier_key order by at, seq),
       status, at, dw.date_key(at), 'Bộ phận một cửa',
       -- one dossier in twenty received and resolved by the same officer (compliance flags)
       'CB' || ((i + case when i %% 20 = 0 then 0 else seq end) %% 997), source_code
from (
    select t.dossier_key, t.source_code, t.i, s.seq, s.status, s.at
    from bench_timeline as t
    cross join lateral (values
        (1, 1, t.submitted_at),
        (2, case when t.outcome = 3 then 3 else 2 end, t.received_at),
        (3, case when t.outcome = 3 then null else 4 end, t.received_at + interval '2 hours'),
        (4, case when t.rounds >= 1 then 5 end, t.received_at + interval '2 days'),
        (5, case when t.rounds >= 1 and not (t.rounds = 1 and t.rounds_unanswered) then 4 end,
            t.received_at + interval '5 days'),
        (6, case when t.rounds >= 2 then 5 end, t.received_at + interval '6 days'),
        (7, case when t.rounds >= 2 and not t.rounds_unanswered then 4 end,
            t.received_at + interval '8 days'),
        (8, case when t.fee_step and t.outcome = 9 and not t.rounds_unanswered then 6 end,
            t.finished_at - interval '20 hours'),
        (9, case when t.fee_step and t.outcome = 9 and not t.rounds_unanswered then 4 end,
            t.finished_at - interval '10 hours'),
        (10, case when t.outcome in (7, 8, 9) and not t.rounds_unanswered then t.outcome end,
            t.finished_at),
        (11, case when t.outcome = 9 and not t.rounds_unanswered then 10 end,
            t.finished_at + interval '1 day')
    ) as s (seq, status, at)
    where s.status is not null and (t.outcome <> 3 or s.seq <= 2)
) as steps
"""),
    ("supplement rounds", """
insert into dw.fact_dossier_supplement (dossier_key, round_no, requested_at, received_at,
    previous_due_at, new_due_at, requested_date_key, received_date_key, source_code)
select dossier_key, k, requested, answered, due_at + interval '1 day' * ((k - 1) * 3),
       case when answered is not null then due_at + interval '1 day' * (k * 3) end,
       dw.date_key(requested), dw.date_key(answered), source_code
from bench_timeline as t
cross join lateral generate_series(1, t.rounds) as k
cross join lateral (
    select t.received_at + interval '1 day' * (2 + (k - 1) * 4) as requested,
           case when t.rounds_unanswered and k = t.rounds then null
                else t.received_at + interval '1 day' * (5 + (k - 1) * 3) end as answered
) as r
where t.rounds > 0
"""),
    # nine in ten late results come with an apology letter dated before the missed due date
    ("apologies", """
insert into dw.fact_dossier_apology (dossier_key, letter_no, apologised_at, new_due_at, reason,
                                     source_code)
select dossier_key, 1, due_at - interval '1 day', finished_at + interval '1 day',
       'Hồ sơ phức tạp', source_code
from bench_timeline
where outcome = 9 and not rounds_unanswered and finished_at > due_at and i %% 10 <> 0
"""),
    ("payments", """
insert into dw.fact_payment (payment_key, source_code, payment_ref, transaction_code,
    dossier_key, dossier_code, unit_durable_key, procedure_durable_key, amount,
    service_fee_amount, levy_amount, payment_method, payment_channel_code, bank_code,
    payment_status, error_code, initiated_at, succeeded_at, refunded_at, initiated_date_key,
    succeeded_date_key, refunded_date_key, source_updated_at)
select dw.source_key(source_code, ref), source_code, ref, 'T' || i, dossier_key, dossier_code,
       dw.source_key(source_code, unit_code), dw.source_key(source_code, procedure_code),
       200000, 50000, 150000, method, null, 'VCB',
       case when failed then 'that-bai' when refunded then 'hoan-phi' else 'thanh-cong' end,
       case when failed then '99' else '00' end, initiated,
       case when failed then null else initiated + interval '2 minutes' end,
       case when refunded then initiated + interval '3 days' end,
       dw.date_key(initiated),
       dw.date_key(case when failed then null else initiated + interval '2 minutes' end),
       dw.date_key(case when refunded then initiated + interval '3 days' end), initiated
from bench_timeline as t
cross join lateral (
    select 'R' || i as ref,
           case when channel_key = 2 and i %% 10 < 8 then 'truc-tuyen' else 'tien-mat' end
               as method,
           received_at + interval '1 day' as initiated,
           i %% 29 = 0 as failed,
           outcome in (3, 7) as refunded
) as p
where has_fee
"""),
]


def _indexes(conn) -> list[tuple[str, str, str]]:
    """(table, name, definition) of every index and key of the fact tables."""
    return conn.execute("""
        select c.relname, i.relname, coalesce(
            'alter table dw.' || c.relname || ' add constraint ' || quote_ident(k.conname)
                || ' ' || pg_get_constraintdef(k.oid),
            pg_get_indexdef(i.oid))
        from pg_index as x
        join pg_class as i on i.oid = x.indexrelid
        join pg_class as c on c.oid = x.indrelid
        join pg_namespace as n on n.oid = c.relnamespace
        left join pg_constraint as k on k.conindid = i.oid and k.conrelid = c.oid
        where n.nspname = 'dw' and c.relname like 'fact_%'
        order by 1, 2""").fetchall()


# prepare's window for a warehouse holding the generated history: its year and the days after
HISTORY_WINDOW = ("--window-start", "2025-01-01T00:00:00+07:00",
                  "--window-end", "2026-12-31T00:00:00+07:00")


def build(conninfo: str, dossiers: int, codes: list[str], log) -> dict:
    import psycopg

    timings = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("set work_mem = '256MB'")
        conn.execute("set maintenance_work_mem = '1GB'")
        indexes = _indexes(conn)
        for table, name, _definition in indexes:
            is_constraint = conn.execute(
                "select count(*) from pg_constraint where conname = %s", (name,)).fetchone()[0]
            if is_constraint:
                conn.execute(f'alter table dw.{table} drop constraint "{name}"')
            else:
                conn.execute(f'drop index dw."{name}"')
        conn.execute("select setseed(0.42)")
        cutoff = datetime(REPORT_DATE.year, REPORT_DATE.month, REPORT_DATE.day, tzinfo=common.TZ)
        per_source = UNITS // len(codes)
        params = {"n": dossiers, "r": cutoff, "codes": codes, "us": per_source,
                  "nd": max(2, per_source // 50)}
        for name, statement in GENERATE:
            began = time.perf_counter()
            conn.execute(statement, params)
            timings[name] = time.perf_counter() - began
            log(f"    {name}: {timings[name]:.0f} s")
        began = time.perf_counter()
        for _table, _name, definition in indexes:
            conn.execute(definition)
        conn.execute("drop table bench_timeline")
        conn.execute("vacuum analyze")
        timings["indexes + analyze"] = time.perf_counter() - began
        counts = dict(conn.execute("""
            select 'fact_dossier', count(*) from dw.fact_dossier union all
            select 'fact_dossier_status', count(*) from dw.fact_dossier_status union all
            select 'fact_dossier_supplement', count(*) from dw.fact_dossier_supplement union all
            select 'fact_payment', count(*) from dw.fact_payment union all
            select 'fact_dossier_apology', count(*) from dw.fact_dossier_apology union all
            select 'dim_unit', count(*) - 1 from dw.dim_unit""").fetchall())
        by_source = dict(conn.execute(
            "select source_code, count(*) from dw.fact_dossier group by 1 order by 1").fetchall())
    return {"timings": timings, "counts": counts, "dossiers_by_source": by_source}


def _root_row(conninfo: str, tree: str, root_unit: str) -> dict:
    """The report's row for the root of ``tree`` (the whole tree): proof the data means
    something."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        return conn.execute(
            "select received, received_online, carried_over, resolved, resolved_late, pending,"
            " pending_overdue, on_time_rate, online_rate, online_payment_rate, overall_colour,"
            " (select count(*) from mart.chi_thi_04_latest l where l.report_date = r.report_date"
            "  and l.tree_code = r.tree_code and l.regressed) as regressed_units"
            " from mart.chi_thi_04_latest as r"
            " where report_date = %s and tree_code = %s and unit_code = %s",
            (REPORT_DATE, tree, root_unit)).fetchone()


def explain(conninfo: str, path: Path, tree: str, jit: bool = False) -> None:
    """EXPLAIN ANALYZE of the report's statements (the costly part of publish_snapshot), as
    publish_snapshot runs it (JIT off) or, for comparison, with the server's default JIT."""
    import psycopg
    from psycopg.types.json import Jsonb

    from tthc_pipeline import model
    from tthc_pipeline.paths import read_sql
    from tthc_pipeline.report.period import ReportPeriod
    from tthc_pipeline.report.snapshot import read_thresholds

    period = ReportPeriod(REPORT_DATE)
    with psycopg.connect(conninfo) as conn:
        conn.execute("set local timezone to 'Asia/Ho_Chi_Minh'")
        conn.execute(f"set local jit = {'on' if jit else 'off'}")
        if not jit:  # as publish_snapshot runs it; the JIT plan is the query before this change
            conn.execute("set local work_mem = '256MB'")
        params = {"tree_code": tree, "report_date": period.report_date,
                  "period_start": period.start, "period_starts": [period.start],
                  "earliest_start": period.start,
                  "cutoff": period.cutoff, "previous_date": period.previous_report_date,
                  "thresholds": Jsonb(read_thresholds(conn))}
        plan = []
        # EXPLAIN ANALYZE of CREATE TABLE AS runs it: each statement builds the table the
        # next one reads, as in publish_snapshot (tthc_pipeline.model's steps, merge joins off
        # as model.build has them, then the report's); the model's view is only created
        conn.execute("set local enable_mergejoin = off")
        for step in (*model.MODEL_STEPS, "report/chi_thi_04_dossiers.sql",
                     "report/chi_thi_04_rows.sql"):
            if step == "report/chi_thi_04_dossiers.sql":
                conn.execute("set local enable_mergejoin = on")
            plan.append(f"-- sql/{step}")
            if step == model.VIEW_STEP:
                conn.execute(read_sql(step), params)
                continue
            plan += [row[0] for row in conn.execute(
                "explain (analyze, buffers) " + read_sql(step), params).fetchall()]
            if step in model.ANALYSED:
                conn.execute(f"analyze pg_temp.{model.ANALYSED[step]}")
        conn.rollback()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(plan) + "\n", encoding="utf-8")


def publish(conninfo: str, report_date: date, tree: str, timeout: float,
            stage: str = "publish") -> common.Measured:
    """One Friday task in its own process: ``publish`` (publish_snapshot) or ``scorecards``
    (publish_scorecards)."""
    return common.run_stage([stage, "--conninfo", conninfo, "--report-date",
                             report_date.isoformat(), "--tree-code", tree], timeout=timeout)


def publish_side_by_side(conninfo: str, report_date: date, tree: str,
                         timeout: float) -> tuple[common.Measured, common.Measured, float]:
    """The Friday DAG's two publishing tasks as it runs them, side by side (each its own
    process and database session): the snapshot, the scorecards, and the wall time from their
    start to the end of the later one."""
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        snapshot = pool.submit(publish, conninfo, report_date, tree, timeout)
        scorecards = pool.submit(publish, conninfo, report_date, tree, timeout, "scorecards")
        measured = snapshot.result(), scorecards.result()
    return *measured, time.perf_counter() - began


def trees(codes: list[str]) -> dict[str, str]:
    """The trees timed, {tree: its root unit's code}: the first province's, and with several
    sources the national rollup (its root row has the tree's own code)."""
    timed = {codes[0]: _ROOT_UNIT}
    if len(codes) > 1:
        timed[common.NATIONAL_TREE] = common.NATIONAL_TREE
    return timed


_ROOT_UNIT = "U0000"  # the first source's root unit


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, nargs="+",
                        default=[1_000_000, 2_500_000, 5_000_000])
    parser.add_argument("--sources", type=int, default=1,
                        help="sources the units, procedures, dossiers and payments are spread "
                             "over; with more than one, the national tree toan_quoc over them")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or common.OUT / f"friday-{stamp}.json"
    codes = common.source_codes(args.sources)
    common.use_sources(codes, output.with_suffix(".sources.yaml"))
    timed = trees(codes)
    report: dict = {"started": stamp, "report_date": REPORT_DATE.isoformat(), "units": UNITS,
                    "sources": codes, "server_settings": common.SERVER_SETTINGS, "sizes": {}}
    with common.postgres() as pg:
        for dossiers in args.dossiers:
            name = f"bench_friday_{dossiers}"
            conninfo = common.fresh_database(pg, name)
            load = common.load_average()
            log(f"{dossiers} dossiers in {len(codes)} source(s): load average {load[0]:.2f}")
            prepared = common.run_stage(
                ["prepare", "--conninfo", conninfo, *HISTORY_WINDOW], timeout=600)
            built = build(conninfo, dossiers, codes, log)
            size = {"build": built, "prepare_s": prepared.seconds,
                    "db_mb": common.database_size_mb(conninfo), "load_average_before": load,
                    "trees": {}}
            for tree, root_unit in timed.items():
                previous = publish(conninfo, REPORT_DATE - timedelta(days=7), tree, 1800)
                runs = []
                for run in range(args.runs):
                    before = common.load_average()
                    m, cards, together = publish_side_by_side(conninfo, REPORT_DATE, tree, 1800)
                    runs.append({"seconds": m.seconds, "wall_s": m.wall_s,
                                 "max_rss_mb": m.max_rss_mb, **m.result,
                                 "scorecards": {"seconds": cards.seconds,
                                                "wall_s": cards.wall_s,
                                                "max_rss_mb": cards.max_rss_mb, **cards.result},
                                 "together_wall_s": together,
                                 "one_after_the_other_wall_s": m.wall_s + cards.wall_s,
                                 "load_average_before": before,
                                 "load_average": common.load_average()})
                    log(f"  {tree} run {run + 1}: snapshot {m.seconds:.1f} s, scorecards "
                        f"{cards.seconds:.1f} s, side by side {together:.1f} s wall"
                        f" (load {before[0]:.2f}; {m.result}; {cards.result})")
                size["trees"][tree] = {
                    "root_row": _root_row(conninfo, tree, root_unit),
                    "previous_week": {"seconds": previous.seconds, **previous.result},
                    "runs": runs, "median_s": common.median([r["seconds"] for r in runs]),
                    "scorecards_median_s": common.median(
                        [r["scorecards"]["seconds"] for r in runs]),
                    "together_median_wall_s": common.median(
                        [r["together_wall_s"] for r in runs])}
            biggest = list(timed)[-1]
            explain(conninfo, output.with_name(f"{output.stem}-plan-{dossiers}.txt"), biggest)
            explain(conninfo, output.with_name(f"{output.stem}-plan-{dossiers}-jit.txt"),
                    biggest, True)
            report["sizes"][dossiers] = size
            common.write_json(output, report)
            common.drop_database(pg, name)
    log(f"results: {output}")
    for dossiers, size in report["sizes"].items():
        for tree, result in size["trees"].items():
            print(f"{dossiers:>10} dossiers, {tree}: publish median {result['median_s']:.1f} s "
                  f"({', '.join(format(r['seconds'], '.1f') for r in result['runs'])}), "
                  f"scorecards median {result['scorecards_median_s']:.1f} s, together "
                  f"{result['together_median_wall_s']:.1f} s wall, "
                  f"{result['runs'][-1].get('unit_count')} units")
        print(f"{'':>10} {size['build']['counts']}")


if __name__ == "__main__":
    main()
