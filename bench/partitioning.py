"""Should the big dossier facts be partitioned, by source or by month? Measured, not assumed.

A national warehouse (issue 14, part 4) holds every province's dossiers in ``dw.fact_dossier``
and their status steps in ``dw.fact_dossier_status``, the two tables that grow with history.
This benchmark builds three copies of the pair in one scratch database, side by side, with the
same rows in the same physical order, and measures what partitioning changes:

- ``none``: one table each, as today, with the ``source_code`` column V014 added
  (natural key unique per (source_code, dossier_code), surrogate key hashing source and code);
- ``source``: LIST partitions, one per source (34), on ``source_code``;
- ``month``: RANGE partitions by calendar month of ``submitted_at`` (NgayNopHoSo, the one date
  a dossier has from its first record and never changes; ``received_at`` is NULL until the
  dossier is received, so it cannot place a row), plus a default partition for a dossier
  without one. The status steps carry their dossier's ``submitted_at`` to be partitioned alike
  (a step's own ``status_at`` may change with a correction, and would scatter a dossier's steps).

A unique key of a partitioned table must contain the partition key, so the keys become
(dossier_key, source_code) / (source_code, dossier_code) by source and
(dossier_key, submitted_at) / (source_code, dossier_code, submitted_at) by month: by month, a
source that moves a dossier's NgayNopHoSo would make the upsert insert a second row.

The history is generated set-based in SQL (``generate_series``) after the project's
migrations: ``--dossiers`` dossiers over the twelve months before the cutoff (Friday
2026-03-27), in ``--sources`` sources (the first holds 15 %, the rest share the remainder
evenly), with 5-7 status steps each, inserted in submission order (as daily loads write them),
then the keys and indexes built and the tables analysed. Then, for each variant:

(a) **loads** as ``sql/load/fact_dossier.sql`` and ``fact_dossier_status.sql`` write them
    (``insert … on conflict`` on the natural key ``do update … where`` newer, returning the
    dossiers written; then the steps: one primary-key probe per dossier, removed steps
    deleted, new dossiers' steps inserted, the others upserted): one source's day of
    ``--day-batch`` dossiers (national 300,000 a day over 34 provinces) and one source's
    ``--big-batch`` (the whole national day in one system), 30 % new dossiers, 70 % newer
    versions of its latest ones with one more step; timed ``--runs`` times, each rolled back.
    The rows are computed beforehand (the hashes, keys and date keys the real statement
    computes cost the same whatever the table's layout), so only the writes are timed. Then a
    whole day, every source's batch committed in turn, and the VACUUM ANALYZE after it;
(b) the Friday report's **dossier-level scan** (``sql/model/dossier_state.sql``'s access
    path: dossiers received before the cutoff and not finished before the period, their steps
    before the cutoff, the status at the cutoff and at the period start) for one province and
    for the nation, timed ``--runs`` times, and its plan (partitions read, pruned);
(c) **retention**: the oldest month removed (DELETE + VACUUM, or DETACH + DROP of partitions).

    .venv/bin/python bench/partitioning.py --dossiers 3000000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

CUTOFF = date(2026, 3, 27)  # a Friday: the report's cutoff, the end of the history
HISTORY_DAYS = 365
VARIANTS = ("none", "source", "month")
FIRST_MONTH = date(2025, 3, 1)  # the month of CUTOFF − 365 days
LAST_MONTH = date(2026, 4, 1)  # the month after the cutoff's (new dossiers land in March)
REPORT_SOURCE = "p07"  # a typical province (1/33 of 85 %)
BIG_SOURCE = "p01"  # the big one (15 %)

DOSSIER_COLUMNS = (
    "dossier_key", "source_code", "dossier_code", "unit_durable_key", "procedure_durable_key",
    "channel_key", "applicant_type_key", "current_status_key", "applicant_hash", "submitted_at",
    "received_at", "due_at", "finished_at", "returned_at", "submitted_date_key",
    "received_date_key", "due_date_key", "finished_date_key", "returned_date_key",
    "supplement_count", "fee_total", "service_fee_total", "levy_total", "online_payment_code",
    "is_paid_online", "has_digitised_components", "source_updated_at", "content_hash")
STEP_COLUMNS = ("dossier_key", "step_no", "status_key", "status_at", "status_date_key",
                "room_name", "officer_code", "source_code")

# The history, one row per dossier, in submission order. %(n)s dossiers, %(sources)s sources,
# %(cutoff)s the cutoff (00:00 local).
BASE = """
create unlogged table bench_base as
with drawn as (
    select
        i,
        random() as u1, random() as u2, random() as u3, random() as u4,
        %(cutoff)s::timestamptz - interval '1 day' * (1 + floor(random() * %(days)s)) as day
    from generate_series(1, %(n)s::bigint) as i
), placed as (
    select *,
        'p' || lpad((case when u4 < 0.15 then 1
                          else 2 + mod(i, %(sources)s - 1) end)::text, 2, '0') as source_code,
        case extract(isodow from day at time zone 'Asia/Ho_Chi_Minh')
            when 6 then day - interval '1 day' when 7 then day - interval '2 days' else day end
        + interval '450 minutes' + interval '1 minute' * floor(u1 * 570) as received_at
    from drawn
), timed as (
    select *,
        received_at - case when u1 < 0.55 then interval '1 hour' * floor(u2 * 60)
                           else interval '0' end as submitted_at,
        u2 < 0.13 as has_round,
        -- 1 %% never finish (old pending dossiers); the rest finish within 1-26 days
        case when u3 < 0.01 then null
             else received_at + interval '1 day' * (1 + floor(u3 * 20))
                  + case when u2 < 0.13 then interval '5 days' else interval '0' end
        end as finished_at
    from placed
)
select
    i, source_code, 'D' || i as dossier_code,
    dw.source_key(source_code, 'D' || i) as dossier_key,
    dw.source_key(source_code, 'U' || mod(i * 7919, 500)) as unit_durable_key,
    dw.source_key(source_code, 'P' || mod(i * 104729, 2000)) as procedure_durable_key,
    case when u1 < 0.55 then 2 else 1 end as channel_key,
    submitted_at, received_at,
    received_at + interval '1 day' * (3 + floor(u4 * 20)) as due_at,
    case when finished_at < %(cutoff)s then finished_at end as finished_at,
    case when finished_at + interval '1 day' < %(cutoff)s
         then finished_at + interval '1 day' end as returned_at,
    has_round, u2 < 0.5 as has_fee
from timed
order by submitted_at
"""

# Steps: 1 submitted, 2 received, 4 processing, [5 supplement asked, 4 answered], 9 finished,
# 10 returned; those after the cutoff are not there yet. Numbered without a window function:
# the optional pair is both there or both absent, and only a suffix is cut.
BASE_STEPS = """
create unlogged table bench_base_steps as
select b.dossier_key, b.source_code, b.submitted_at as dossier_submitted_at,
       s.seq - case when s.seq > 5 and not b.has_round then 2 else 0 end as step_no,
       s.status as status_key, s.at as status_at, dw.date_key(s.at) as status_date_key,
       'Bộ phận một cửa' as room_name, 'CB' || mod(b.i, 997) as officer_code
from bench_base as b
cross join lateral (values
    (1, 1, b.submitted_at),
    (2, 2, b.received_at),
    (3, 4, b.received_at + interval '2 hours'),
    (4, case when b.has_round then 5 end, b.received_at + interval '2 days'),
    (5, case when b.has_round then 4 end, b.received_at + interval '4 days'),
    (6, 9, b.finished_at),
    (7, 10, b.returned_at)
) as s (seq, status, at)
where s.status is not null and s.at is not null
"""

# The fact rows of the history, computed once: every variant gets exactly these.
BASE_FACTS = """
create unlogged table bench_base_facts as
select
    b.dossier_key, b.source_code, b.dossier_code, b.unit_durable_key, b.procedure_durable_key,
    b.channel_key, 1 as applicant_type_key,
    case when b.returned_at is not null then 10 when b.finished_at is not null then 9
         else 4 end as current_status_key,
    sha256(b.dossier_code::bytea) as applicant_hash, b.submitted_at, b.received_at, b.due_at,
    b.finished_at, b.returned_at, dw.date_key(b.submitted_at) as submitted_date_key,
    dw.date_key(b.received_at) as received_date_key, dw.date_key(b.due_at) as due_date_key,
    dw.date_key(b.finished_at) as finished_date_key,
    dw.date_key(b.returned_at) as returned_date_key,
    b.has_round::integer as supplement_count,
    case when b.has_fee then 200000 else 0 end::bigint as fee_total,
    case when b.has_fee then 50000 else 0 end::bigint as service_fee_total,
    case when b.has_fee then 150000 else 0 end::bigint as levy_total,
    case when b.has_fee and b.channel_key = 2 then 2 else 0 end as online_payment_code,
    b.has_fee and b.channel_key = 2 as is_paid_online, true as has_digitised_components,
    coalesce(b.returned_at, b.finished_at, b.received_at) as source_updated_at,
    md5(b.dossier_code) as content_hash
from bench_base as b
order by b.i
"""

# The daily batches, computed once (as staging + the load's CTEs would give them): for each
# batch (name, source, size), 70 %% newer versions of the source's latest dossiers (one more
# step: finished at the load's moment if pending, else the same steps) and 30 %% new dossiers
# (submitted and received that day). %(batch)s, %(source)s, %(size)s.
BATCH_UPDATES = """
insert into bench_batch_pick (batch, dossier_key)
select %(batch)s, dossier_key
from bench_base
where source_code = %(source)s
order by received_at desc
limit (%(size)s * 7 / 10)
"""

BATCH_FACTS = """
insert into bench_batch_facts
select %(batch)s as batch, f.dossier_key, f.source_code, f.dossier_code, f.unit_durable_key,
    f.procedure_durable_key, f.channel_key, f.applicant_type_key,
    case when f.finished_at is null then 9 else f.current_status_key end, f.applicant_hash,
    f.submitted_at, f.received_at, f.due_at, coalesce(f.finished_at, %(moment)s), f.returned_at,
    f.submitted_date_key, f.received_date_key, f.due_date_key,
    dw.date_key(coalesce(f.finished_at, %(moment)s)), f.returned_date_key, f.supplement_count,
    f.fee_total, f.service_fee_total, f.levy_total, f.online_payment_code, f.is_paid_online,
    f.has_digitised_components, %(moment)s, md5('v2' || f.dossier_code)
from bench_base_facts as f
inner join bench_batch_pick as p on f.dossier_key = p.dossier_key and p.batch = %(batch)s
union all
select %(batch)s, dw.source_key(%(source)s, 'N' || k), %(source)s, 'N' || k,
    dw.source_key(%(source)s, 'U' || mod(k, 500)),
    dw.source_key(%(source)s, 'P' || mod(k, 2000)), 2, 1, 2,
    sha256(('N' || k)::bytea), %(moment)s - interval '3 hours', %(moment)s - interval '2 hours',
    %(moment)s + interval '10 days', null, null, dw.date_key(%(moment)s),
    dw.date_key(%(moment)s), dw.date_key(%(moment)s + interval '10 days'), -1, -1, 0, 0, 0, 0,
    0, false, true, %(moment)s, md5('N' || k)
from generate_series(1, %(size)s - %(size)s * 7 / 10) as k
"""

BATCH_STEPS = """
insert into bench_batch_steps
select %(batch)s, s.dossier_key, s.step_no, s.status_key, s.status_at, s.status_date_key,
       s.room_name, s.officer_code, s.source_code, s.dossier_submitted_at
from bench_base_steps as s
inner join bench_batch_pick as p on s.dossier_key = p.dossier_key and p.batch = %(batch)s
union all
select %(batch)s, s.dossier_key, max(s.step_no) + 1, 9, %(moment)s, dw.date_key(%(moment)s),
       'Bộ phận một cửa', 'CB1', s.source_code, s.dossier_submitted_at
from bench_base_steps as s
inner join bench_batch_pick as p on s.dossier_key = p.dossier_key and p.batch = %(batch)s
inner join bench_base as b on s.dossier_key = b.dossier_key and b.finished_at is null
group by s.dossier_key, s.source_code, s.dossier_submitted_at
union all
select %(batch)s, f.dossier_key, st.step_no, st.status_key, st.at, dw.date_key(st.at),
       'Bộ phận một cửa', 'CB1', f.source_code, f.submitted_at
from bench_batch_facts as f
cross join lateral (values (1, 1, f.submitted_at), (2, 2, f.received_at)) as st (step_no,
    status_key, at)
where f.batch = %(batch)s and f.dossier_code like 'N%%'
"""


def _month_starts() -> list[date]:
    months, month = [], FIRST_MONTH
    while month <= LAST_MONTH:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


class Variant:
    """One layout of the pair of tables, in its own schema, and the SQL that differs by it."""

    def __init__(self, name: str, sources: list[str]) -> None:
        self.name, self.sources = name, sources
        self.schema = f"v_{name}"
        # the columns a dossier's rows are found by, besides its key
        self.dossier_extra = {"none": [], "source": ["source_code"],
                              "month": ["submitted_at"]}[name]
        self.step_extra = {"none": [], "source": ["source_code"],
                           "month": ["dossier_submitted_at"]}[name]

    @property
    def step_columns(self) -> tuple[str, ...]:
        return STEP_COLUMNS + (("dossier_submitted_at",) if self.name == "month" else ())

    def create(self) -> list[str]:
        s = self.schema
        # source_code (not null) comes with `like`, as V014 added it
        dossier_cols = "like dw.fact_dossier including defaults"
        step_cols = ("like dw.fact_dossier_status including defaults"
                     + (", dossier_submitted_at timestamptz" if self.name == "month" else ""))
        by = {"none": "", "source": " partition by list (source_code)",
              "month": " partition by range ({})"}[self.name]
        statements = [f"create schema {s}",
                      f"create table {s}.fact_dossier ({dossier_cols})"
                      + by.format("submitted_at"),
                      f"create table {s}.fact_dossier_status ({step_cols})"
                      + by.format("dossier_submitted_at")]
        for table in ("fact_dossier", "fact_dossier_status"):
            if self.name == "source":
                for code in self.sources:
                    statements.append(f"create table {s}.{table}_{code} partition of"
                                      f" {s}.{table} for values in ('{code}')")
            elif self.name == "month":
                months = _month_starts()
                for first, after in zip(months, months[1:], strict=False):
                    statements.append(
                        f"create table {s}.{table}_{first:%Y_%m} partition of {s}.{table}"
                        f" for values from ('{first} 00:00+07') to ('{after} 00:00+07')")
                statements.append(f"create table {s}.{table}_default partition of"
                                  f" {s}.{table} default")
        return statements

    def keys(self) -> list[str]:
        s, d, t = self.schema, self.dossier_extra, self.step_extra
        natural = ["source_code", "dossier_code", *[c for c in d if c != "source_code"]]
        return [
            f"alter table {s}.fact_dossier add primary key ({', '.join(['dossier_key', *d])})",
            f"alter table {s}.fact_dossier add unique ({', '.join(natural)})",
            f"create index on {s}.fact_dossier (unit_durable_key, received_at)",
            f"create index on {s}.fact_dossier (received_at)",
            f"create index on {s}.fact_dossier (finished_at)",
            f"alter table {s}.fact_dossier_status add primary key"
            f" ({', '.join(['dossier_key', 'step_no', *t])})",
        ]

    def leaf_tables(self, conn, table: str) -> list[str]:
        """The tables that hold the rows: the partitions, or the table itself."""
        leaves = [row[0] for row in conn.execute(
            "select relid::regclass::text from pg_partition_tree(%s::regclass) where isleaf",
            (f"{self.schema}.{table}",)).fetchall()]
        return leaves or [f"{self.schema}.{table}"]

    # --- the load ---------------------------------------------------------------------------
    def dossier_upsert(self) -> str:
        conflict = ["source_code", "dossier_code",
                    *[c for c in self.dossier_extra if c != "source_code"]]
        keyish = {"dossier_key", "source_code", "dossier_code", *self.dossier_extra}
        updates = ",\n        ".join(f"{c} = excluded.{c}" for c in DOSSIER_COLUMNS
                                       if c not in keyish)
        cols = ", ".join(DOSSIER_COLUMNS)
        return f"""
with written as (
    insert into {self.schema}.fact_dossier as f ({cols})
    select {cols}
    from bench_batch_facts
    where batch = %(batch)s and source_code = %(source)s
    on conflict ({', '.join(conflict)}) do update set
        {updates}
    where excluded.source_updated_at > f.source_updated_at
        or (excluded.source_updated_at = f.source_updated_at
            and excluded.content_hash > coalesce(f.content_hash, ''))
    returning f.dossier_key, f.source_code, f.submitted_at
)
insert into written_dossier (dossier_key, source_code, submitted_at)
select dossier_key, source_code, submitted_at from written
"""

    def status_replace(self) -> str:
        s = self.schema
        match = "".join(f" and f.{c} = w.{d}" for c, d in
                        zip(self.step_extra, self.dossier_extra, strict=True))
        cols = ", ".join(self.step_columns)
        conflict = ", ".join(["dossier_key", "step_no", *self.step_extra])
        count_match = "".join(f" and f.{c} = c.{c}" for c in self.step_extra)
        count_cols = "".join(f", s.{c}" for c in self.step_extra)
        return f"""
with written_dossiers as (
    select w.dossier_key, w.source_code, w.submitted_at,
           loaded.dossier_key is not null as has_loaded_steps
    from written_dossier as w
    left join lateral (
        select f.dossier_key from {s}.fact_dossier_status as f
        where f.dossier_key = w.dossier_key{match}
        limit 1
    ) as loaded on true
),
steps as (
    select w.has_loaded_steps, t.*
    from written_dossiers as w
    inner join bench_batch_steps as t
        on t.batch = %(batch)s and w.dossier_key = t.dossier_key
),
step_counts as (
    select s.dossier_key{count_cols}, count(*) as n_steps
    from steps as s
    where s.has_loaded_steps
    group by s.dossier_key{count_cols}
),
removed_steps as (
    delete from {s}.fact_dossier_status as f
    using step_counts as c
    where f.dossier_key = c.dossier_key{count_match} and f.step_no > c.n_steps
),
new_dossiers_steps as (
    insert into {s}.fact_dossier_status ({cols})
    select {cols} from steps where not has_loaded_steps
)
insert into {s}.fact_dossier_status as f ({cols})
select {cols} from steps where has_loaded_steps
on conflict ({conflict}) do update set
    status_key = excluded.status_key,
    status_at = excluded.status_at,
    status_date_key = excluded.status_date_key,
    room_name = excluded.room_name,
    officer_code = excluded.officer_code
where (f.status_key, f.status_at, f.room_name, f.officer_code)
    is distinct from (
        excluded.status_key, excluded.status_at, excluded.room_name, excluded.officer_code
    )
"""

    # --- the Friday report's dossier-level scan ---------------------------------------------
    def report(self, province: bool) -> str:
        s = self.schema
        where = " and d.source_code = %(source)s" if province else ""
        if self.name == "month":
            # the same dossiers (submitted before received), stated so the planner can prune
            # the partitions after the cutoff
            where += " and d.submitted_at < %(cutoff)s"
        match = "".join(f" and s.{c} = d.{d}" for c, d in
                        zip(self.step_extra, self.dossier_extra, strict=True))
        # the candidates are a materialised CTE (read again below, as in the real report), so
        # the planner does not carry their source filter over to the steps: say it there too
        step_where = " and s.source_code = %(source)s" if province else ""
        return f"""
with candidate_dossiers as (
    select d.dossier_key, d.source_code, d.submitted_at, d.unit_durable_key, d.received_at,
           d.finished_at
    from {s}.fact_dossier as d
    where d.received_at < %(cutoff)s
        and (d.finished_at is null or d.finished_at >= %(period_start)s){where}
),
steps_before_cutoff as (
    select s.dossier_key, s.status_key, s.status_at, s.step_no
    from {s}.fact_dossier_status as s
    inner join candidate_dossiers as d on s.dossier_key = d.dossier_key{match}
    where s.status_at < %(cutoff)s{step_where}
),
status_at_cutoff as (
    select distinct on (dossier_key) dossier_key, status_key as status
    from steps_before_cutoff
    order by dossier_key, status_at desc, step_no desc
),
status_at_period_start as (
    select distinct on (dossier_key) dossier_key, status_key as status
    from steps_before_cutoff
    where status_at < %(period_start)s
    order by dossier_key, status_at desc, step_no desc
)
select count(*) as dossiers,
       count(*) filter (where d.received_at >= %(period_start)s) as received,
       count(*) filter (where c.status in (9, 10)
                        and ps.status is distinct from 9
                        and ps.status is distinct from 10) as resolved,
       count(*) filter (where c.status in (2, 4, 5, 6, 8)) as pending,
       count(distinct d.unit_durable_key) as units
from candidate_dossiers as d
inner join status_at_cutoff as c on d.dossier_key = c.dossier_key
left join status_at_period_start as ps on d.dossier_key = ps.dossier_key
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(conn, statement: str, params: dict | None = None) -> float:
    began = time.perf_counter()
    conn.execute(statement, params)
    return time.perf_counter() - began


def _wal(conn) -> int:
    return int(conn.execute("select pg_current_wal_lsn() - '0/0'::pg_lsn").fetchone()[0])


def generate(conn, args, sources: list[str]) -> dict:
    cutoff = datetime(CUTOFF.year, CUTOFF.month, CUTOFF.day, tzinfo=common.TZ)
    moment = cutoff + timedelta(hours=10)  # the day's loads: Friday 10:00, after the cutoff
    params = {"n": args.dossiers, "sources": len(sources), "cutoff": cutoff,
              "days": HISTORY_DAYS, "moment": moment}
    timings = {}
    conn.execute("select setseed(0.14)")
    for name, statement in (("base", BASE), ("base steps", BASE_STEPS),
                            ("base facts", BASE_FACTS)):
        timings[name] = _timed(conn, statement, params)
        _log(f"  {name}: {timings[name]:.0f} s")
    conn.execute("create index on bench_base (source_code, received_at)")
    conn.execute("create index on bench_base_steps (dossier_key)")
    conn.execute("analyze bench_base, bench_base_steps, bench_base_facts")
    conn.execute("create unlogged table bench_batch_pick (batch text, dossier_key bigint)")
    conn.execute("create unlogged table bench_batch_facts as select ''::text as batch, *"
                 " from bench_base_facts with no data")
    conn.execute("create unlogged table bench_batch_steps as select ''::text as batch,"
                 " dossier_key, step_no, status_key, status_at, status_date_key, room_name,"
                 " officer_code, source_code, dossier_submitted_at"
                 " from bench_base_steps with no data")
    began = time.perf_counter()
    batches = [("day", code, args.day_batch) for code in sources]
    batches.append(("big", BIG_SOURCE, args.big_batch))
    for batch, source, size in batches:
        name = batch if batch == "big" else f"day-{source}"
        p = {**params, "batch": name, "source": source, "size": size}
        for statement in (BATCH_UPDATES, BATCH_FACTS, BATCH_STEPS):
            conn.execute(statement, p)
    conn.execute("create index on bench_batch_facts (batch, source_code)")
    conn.execute("create index on bench_batch_steps (batch, dossier_key)")
    conn.execute("analyze bench_batch_facts, bench_batch_steps, bench_batch_pick")
    timings["batches"] = time.perf_counter() - began
    counts = dict(conn.execute("""
        select 'dossiers', count(*) from bench_base union all
        select 'status steps', count(*) from bench_base_steps union all
        select 'pending at the cutoff', count(*) from bench_base where finished_at is null
        union all select 'report source dossiers', count(*) from bench_base
            where source_code = %(s)s
        union all select 'big source dossiers', count(*) from bench_base
            where source_code = %(b)s
        union all select 'batch rows (day, all sources)', count(*) from bench_batch_facts
            where batch like 'day-%%'
        union all select 'batch steps (day, all sources)', count(*) from bench_batch_steps
            where batch like 'day-%%'
        union all select 'batch rows (big)', count(*) from bench_batch_facts where batch = 'big'
        union all select 'batch steps (big)', count(*) from bench_batch_steps
            where batch = 'big'""", {"s": REPORT_SOURCE, "b": BIG_SOURCE}).fetchall())
    _log(f"  batches: {timings['batches']:.0f} s; {counts}")
    return {"timings": timings, "counts": counts}


def build(conn, variant: Variant) -> dict:
    timings = {}
    for statement in variant.create():
        conn.execute(statement)
    cols = ", ".join(DOSSIER_COLUMNS)
    timings["insert dossiers"] = _timed(
        conn, f"insert into {variant.schema}.fact_dossier ({cols})"
              f" select {cols} from bench_base_facts")
    step_cols = ", ".join(variant.step_columns)
    timings["insert steps"] = _timed(
        conn, f"insert into {variant.schema}.fact_dossier_status ({step_cols})"
              f" select {step_cols} from bench_base_steps")
    began = time.perf_counter()
    for statement in variant.keys():
        conn.execute(statement)
    # V008: a dossier's ~6 steps; set on every leaf, where ANALYZE keeps the statistics
    for leaf in variant.leaf_tables(conn, "fact_dossier_status"):
        conn.execute(f"alter table {leaf} alter column dossier_key set (n_distinct = -0.2)")
    timings["keys + indexes"] = time.perf_counter() - began
    timings["vacuum analyze"] = _timed(
        conn, f"vacuum analyze {variant.schema}.fact_dossier, {variant.schema}.fact_dossier_status")
    _log("  build " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    return timings


def sizes(conn, variant: Variant) -> dict:
    result = {}
    for table in ("fact_dossier", "fact_dossier_status"):
        heap, indexes = conn.execute(
            "select sum(pg_table_size(t::regclass))::bigint,"
            " sum(pg_indexes_size(t::regclass))::bigint"
            " from unnest(%s::text[]) as t", (variant.leaf_tables(conn, table),)).fetchone()
        result[table] = {"table_mb": round(heap / 1e6), "indexes_mb": round(indexes / 1e6),
                         "partitions": len(variant.leaf_tables(conn, table))}
    result["index_detail_mb"] = {
        name: round(int(size) / 1e6) for name, size in conn.execute("""
            select coalesce(parent.relname, i.relname), sum(pg_relation_size(i.oid))
            from pg_class as i
            join pg_index as x on x.indexrelid = i.oid
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            left join pg_inherits as h on h.inhrelid = i.oid
            left join pg_class as parent on parent.oid = h.inhparent
            where n.nspname = %s and i.relkind = 'i'
            group by 1 order by 1""", (variant.schema,)).fetchall()}
    return result


def load_batch(conn, variant: Variant, batch: str, source: str) -> dict:
    """One batch's two statements in one transaction (as load_batch runs them); the caller
    commits or rolls back."""
    conn.execute("set local jit = off")
    conn.execute("set local work_mem = '256MB'")
    conn.execute("create temporary table written_dossier (dossier_key bigint primary key,"
                 " source_code text, submitted_at timestamptz) on commit drop")
    params = {"batch": batch, "source": source}
    began = time.perf_counter()
    conn.execute(variant.dossier_upsert(), params)
    dossier_s = time.perf_counter() - began
    written = conn.execute("select count(*) from written_dossier").fetchone()[0]
    conn.execute("analyze written_dossier")
    began = time.perf_counter()
    conn.execute(variant.status_replace(), params)
    steps_s = time.perf_counter() - began
    return {"fact_dossier_s": dossier_s, "fact_dossier_status_s": steps_s,
            "total_s": dossier_s + steps_s, "written": written}


def measure_loads(conn, variant: Variant, args, sources: list[str]) -> dict:
    result = {}
    for label, batch, source in (("day batch, one source", f"day-{REPORT_SOURCE}",
                                  REPORT_SOURCE),
                                 ("big batch, one source", "big", BIG_SOURCE)):
        runs = []
        for _ in range(args.runs):
            load = common.load_average()[0]
            with conn.transaction(force_rollback=True):
                run = load_batch(conn, variant, batch, source)
            run["load_average"] = load
            runs.append(run)
            conn.execute(f"vacuum {variant.schema}.fact_dossier,"
                         f" {variant.schema}.fact_dossier_status")
        result[label] = {
            "runs": runs, "median_total_s": common.median([r["total_s"] for r in runs]),
            "median_fact_dossier_s": common.median([r["fact_dossier_s"] for r in runs]),
            "median_fact_dossier_status_s":
                common.median([r["fact_dossier_status_s"] for r in runs])}
        _log(f"  {label}: {result[label]['median_total_s']:.2f} s"
             f" ({', '.join(format(r['total_s'], '.2f') for r in runs)}; load"
             f" {runs[0]['load_average']:.2f})")
    # a whole day: every source's batch committed in turn, then the VACUUM after it
    load = common.load_average()[0]
    wal = _wal(conn)
    began = time.perf_counter()
    per_source = []
    for code in sources:
        with conn.transaction():
            per_source.append(load_batch(conn, variant, f"day-{code}", code)["total_s"])
    day_s = time.perf_counter() - began
    day_wal = _wal(conn) - wal
    vacuum_s = _timed(conn, f"vacuum analyze {variant.schema}.fact_dossier,"
                            f" {variant.schema}.fact_dossier_status")
    result["day, every source committed"] = {
        "seconds": day_s, "per_source_median_s": common.median(per_source),
        "per_source_max_s": max(per_source), "wal_mb": round(day_wal / 1e6),
        "vacuum_analyze_after_s": vacuum_s, "load_average": load}
    _log(f"  day of {len(sources)} sources: {day_s:.1f} s, WAL {day_wal / 1e6:.0f} MB,"
         f" vacuum analyze after {vacuum_s:.1f} s (load {load:.2f})")
    return result


def _plan_summary(plan: dict) -> dict:
    """Which leaf tables the plan read (a scan that ran at least once), and how many
    partitions the planner or the executor pruned."""
    read, planned, removed = set(), set(), 0

    def walk(node: dict) -> None:
        nonlocal removed
        removed += int(node.get("Subplans Removed", 0))
        relation = node.get("Relation Name")
        if relation:
            planned.add(relation)
            if node.get("Actual Loops", 0) > 0:
                read.add(relation)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return {"execution_ms": plan.get("Execution Time"), "planning_ms": plan.get("Planning Time"),
            "relations_read": sorted(read), "relations_planned_not_read":
                sorted(planned - read), "subplans_removed": removed}


def measure_report(conn, variant: Variant, args, out_stem: Path) -> dict:
    cutoff = datetime(CUTOFF.year, CUTOFF.month, CUTOFF.day, tzinfo=common.TZ)
    params = {"cutoff": cutoff, "period_start": cutoff - timedelta(days=7),
              "source": REPORT_SOURCE}
    result = {}
    for scope, province in (("province", True), ("nation", False)):
        statement = variant.report(province)
        runs, rows = [], None
        for _ in range(args.runs):
            with conn.transaction():
                conn.execute("set local jit = off")
                conn.execute("set local work_mem = '256MB'")
                load = common.load_average()[0]
                began = time.perf_counter()
                rows = conn.execute(statement, params).fetchone()
                runs.append({"seconds": time.perf_counter() - began, "load_average": load})
        with conn.transaction():
            conn.execute("set local jit = off")
            conn.execute("set local work_mem = '256MB'")
            plan = conn.execute("explain (analyze, buffers, format json) " + statement,
                                params).fetchone()[0][0]
            text = [r[0] for r in conn.execute("explain (analyze, buffers) " + statement,
                                               params).fetchall()]
        path = out_stem.with_name(f"{out_stem.stem}-plan-{variant.name}-{scope}.txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        result[scope] = {"runs": runs, "median_s": common.median([r["seconds"] for r in runs]),
                         "result": dict(zip(("dossiers", "received", "resolved", "pending",
                                             "units"), rows, strict=True)),
                         "plan": _plan_summary(plan), "plan_file": path.name}
        summary = result[scope]["plan"]
        _log(f"  report {scope}: {result[scope]['median_s']:.2f} s"
             f" ({', '.join(format(r['seconds'], '.2f') for r in runs)}); read"
             f" {len(summary['relations_read'])} relations, removed"
             f" {summary['subplans_removed']}; {result[scope]['result']}")
    return result


def measure_retention(conn, variant: Variant) -> dict:
    """The oldest month of dossiers removed: DELETE + VACUUM, or DETACH + DROP."""
    first, after = FIRST_MONTH, date(FIRST_MONTH.year, FIRST_MONTH.month + 1, 1)
    s = variant.schema
    load = common.load_average()[0]
    wal = _wal(conn)
    removed = conn.execute(f"select count(*) from {s}.fact_dossier where submitted_at < %s",
                           (f"{after} 00:00+07",)).fetchone()[0]
    began = time.perf_counter()
    with conn.transaction():
        if variant.name == "month":
            for table in ("fact_dossier_status", "fact_dossier"):
                conn.execute(f"alter table {s}.{table} detach partition"
                             f" {s}.{table}_{first:%Y_%m}")
                conn.execute(f"drop table {s}.{table}_{first:%Y_%m}")
        else:
            conn.execute(f"""
                delete from {s}.fact_dossier_status as t using {s}.fact_dossier as d
                where d.dossier_key = t.dossier_key and d.source_code = t.source_code
                    and d.submitted_at < %s""", (f"{after} 00:00+07",))
            conn.execute(f"delete from {s}.fact_dossier where submitted_at < %s",
                         (f"{after} 00:00+07",))
    remove_s = time.perf_counter() - began
    vacuum_s = _timed(conn, f"vacuum {s}.fact_dossier, {s}.fact_dossier_status")
    result = {"dossiers_removed": removed, "remove_s": remove_s, "vacuum_s": vacuum_s,
              "wal_mb": round((_wal(conn) - wal) / 1e6), "load_average": load}
    _log(f"  retention ({first:%Y-%m}, {removed} dossiers): remove {remove_s:.2f} s,"
         f" vacuum {vacuum_s:.1f} s, WAL {result['wal_mb']} MB")
    return result


def main() -> None:
    common.exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=3_000_000,
                        help="dossiers of history over twelve months, all sources")
    parser.add_argument("--sources", type=int, default=34)
    parser.add_argument("--day-batch", type=int, default=9_000,
                        help="one source's day (national 300,000 / 34)")
    parser.add_argument("--big-batch", type=int, default=300_000,
                        help="one source with the whole national day")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or common.OUT / f"partitioning-{stamp}.json"
    sources = [f"p{k:02d}" for k in range(1, args.sources + 1)]
    report: dict = {"started": stamp, "args": vars(args) | {"output": str(output)},
                    "cutoff": CUTOFF.isoformat(), "server_settings": common.SERVER_SETTINGS,
                    "variants": {}}
    sys.path.insert(0, str(common.ROOT / "include"))
    import psycopg

    from tthc_pipeline.warehouse.migrations import apply_migrations

    with common.postgres() as pg:
        conninfo = common.fresh_database(pg, "bench_partitioning")
        apply_migrations(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("set work_mem = '256MB'")
            conn.execute("set maintenance_work_mem = '1GB'")
            load = common.load_average()
            _log(f"generating {args.dossiers} dossiers in {len(sources)} sources"
                 f" (load average {load[0]:.2f})")
            report["generated"] = generate(conn, args, sources)
            report["generated"]["load_average_before"] = load
            common.write_json(output, report)
            for name in args.variants:
                variant = Variant(name, sources)
                load = common.load_average()
                _log(f"{name} (load average {load[0]:.2f})")
                entry: dict = {"load_average_before": load, "build": build(conn, variant)}
                entry["sizes_before"] = sizes(conn, variant)
                entry["loads"] = measure_loads(conn, variant, args, sources)
                entry["report"] = measure_report(conn, variant, args, output)
                entry["sizes_after_day"] = sizes(conn, variant)
                entry["retention"] = measure_retention(conn, variant)
                report["variants"][name] = entry
                common.write_json(output, report)
                # the next variant gets the machine's memory and disk to itself
                conn.execute(f"drop schema {variant.schema} cascade")
                conn.execute("checkpoint")
    _log(f"results: {output}")
    print(json.dumps(summary_rows(report), indent=1, default=str))


def summary_rows(report: dict) -> dict:
    rows = {}
    for name, entry in report["variants"].items():
        loads, rep = entry["loads"], entry["report"]
        rows[name] = {
            "day batch s": round(loads["day batch, one source"]["median_total_s"], 2),
            "big batch s": round(loads["big batch, one source"]["median_total_s"], 2),
            "day all sources s": round(loads["day, every source committed"]["seconds"], 1),
            "vacuum after day s": round(
                loads["day, every source committed"]["vacuum_analyze_after_s"], 1),
            "report province s": round(rep["province"]["median_s"], 2),
            "report nation s": round(rep["nation"]["median_s"], 2),
            "indexes MB": sum(entry["sizes_before"][t]["indexes_mb"]
                              for t in ("fact_dossier", "fact_dossier_status")),
            "retention s": round(entry["retention"]["remove_s"]
                                 + entry["retention"]["vacuum_s"], 2),
        }
    return rows


if __name__ == "__main__":
    main()
