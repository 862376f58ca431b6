"""What every benchmark here shares: the data shape, the simulator and Postgres they run against,
and how a stage is run and measured in its own process.

Nothing here is imported by the pipeline or the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PEERS_VENV = BENCH / ".venv-peers"
PEERS_PYTHON = str(PEERS_VENV / "bin" / "python")
TIME = "/usr/bin/time"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "bench-token"
ENTITIES = ("don_vi", "thu_tuc", "ho_so", "giao_dich")
CATALOGUES = ENTITIES[:ENTITIES.index("ho_so")]  # loaded before the dossiers are checked
INCREMENTAL = ("ho_so", "giao_dich")
LIFETIME_DAYS = 150  # simulator.dossiers.LIFETIME_DAYS
LEAD_DAYS = 7  # simulator.dossiers.LEAD_DAYS


@dataclass(frozen=True)
class Shape:
    """One national day's batch: ``scale`` dossiers, each served once with its whole history.

    The dossiers are received over four weeks (``start``..``end``, weekday seasonality, no
    holiday in March 2026) and the clock stands past the last event any of them can have, so
    one window [start − 7 days, now) holds every dossier exactly once in its final state (all
    its status steps, supplement rounds and payments): one batch per entity, as one daily run
    of a national warehouse receives it.
    """

    scale: int
    seed: int = 2022
    province_code: str = "H49"  # the simulator's --province-code: ends every unit and dossier code
    start: date = date(2026, 3, 2)  # a Monday
    end: date = date(2026, 3, 30)
    report_date: date = date(2026, 3, 27)  # a Friday: its week [03-20, 03-27) is inside the range

    @property
    def now(self) -> datetime:
        return _midnight(self.end + timedelta(days=LIFETIME_DAYS + 1))

    @property
    def window(self) -> tuple[datetime, datetime]:
        return _midnight(self.start - timedelta(days=LEAD_DAYS)), self.now

    def window_text(self) -> tuple[str, str]:
        return tuple(moment.strftime("%Y%m%d%H%M%S") for moment in self.window)

    def window_args(self) -> list[str]:
        """The window as ``stage.py``'s ``--window-start`` and ``--window-end``."""
        start, end = self.window
        return ["--window-start", start.isoformat(), "--window-end", end.isoformat()]

    def simulator_args(self) -> list[str]:
        return ["--seed", str(self.seed), "--scale", str(self.scale),
                "--province-code", self.province_code,
                "--start", self.start.isoformat(), "--end", self.end.isoformat(),
                "--now", self.now.strftime("%Y%m%d%H%M%S")]


# Source codes for benchmarks of several sources, named like config/sources.yaml's entries:
# the 34 provinces and cities since 1 July 2025.
PROVINCES = (
    "ha_noi", "ho_chi_minh", "hai_phong", "da_nang", "hue", "can_tho", "quang_ninh",
    "thanh_hoa", "nghe_an", "ha_tinh", "quang_tri", "quang_ngai", "gia_lai", "khanh_hoa",
    "lam_dong", "dak_lak", "dong_nai", "tay_ninh", "vinh_long", "dong_thap", "ca_mau",
    "an_giang", "cao_bang", "dien_bien", "lai_chau", "lang_son", "son_la", "tuyen_quang",
    "lao_cai", "thai_nguyen", "phu_tho", "bac_ninh", "hung_yen", "ninh_binh")
NATIONAL_TREE = "toan_quoc"


def source_codes(count: int) -> list[str]:
    """``count`` source codes, one per province (``ha_noi``, ``ho_chi_minh``, …)."""
    if not 1 <= count <= len(PROVINCES):
        raise ValueError(f"between 1 and {len(PROVINCES)} sources, not {count}")
    return list(PROVINCES[:count])


def province_code(index: int) -> str:
    """The simulator's ``--province-code`` of the ``index``-th source (H10, H11, …)."""
    return f"H{10 + index:02d}"


def sources_document(codes: list[str]) -> dict:
    """A source list as config/sources.yaml writes it: one tree per source, and with several
    sources the national rollup ``toan_quoc`` over them (each source's tree its child)."""
    national = len(codes) > 1
    trees = [{"code": NATIONAL_TREE, "name": "Toàn quốc"}] if national else []
    trees += [{"code": code, "name": f"Tỉnh {code}",
               **({"parent": NATIONAL_TREE} if national else {})} for code in codes]
    sources = [{"code": code, "name": f"Một cửa {code}", "tree": code,
                "tthc_connection": f"tthc_{code}", "payment_connection": f"payment_{code}"}
               for code in codes]
    return {"trees": trees, "sources": sources}


def use_sources(codes: list[str], path: Path) -> Path:
    """Write the source list of ``codes`` to ``path`` (checked by the pipeline's own parser) and
    point ``TTHC_SOURCES_FILE`` at it, for this process and every stage it starts."""
    import yaml

    sys.path.insert(0, str(ROOT / "include"))
    from tthc_pipeline import sources

    document = sources_document(codes)
    sources.parse(document, where=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    os.environ[sources.SOURCES_FILE_ENV] = str(path)
    return path


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ)


def ensure_peers_venv(log=print) -> str:
    """bench/.venv-peers with bench/requirements-peers.txt installed; its python."""
    requirements = BENCH / "requirements-peers.txt"
    stamp = PEERS_VENV / ".installed"
    if stamp.exists() and stamp.read_text() == requirements.read_text():
        return PEERS_PYTHON
    log(f"creating {PEERS_VENV} (dlt, pinned in {requirements.name})")
    if not Path(PEERS_PYTHON).exists():
        base = os.environ.get("PYTHON", "python3.11")
        subprocess.run([base, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([PEERS_PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([PEERS_PYTHON, "-m", "pip", "install", "--quiet", "-r", str(requirements)],
                   check=True)
    stamp.write_text(requirements.read_text())
    return PEERS_PYTHON


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def wait_for_quiet(threshold: float, max_wait: float, log=print) -> tuple[float, float, float]:
    """Wait (up to ``max_wait`` s) for the 1-minute load average to drop below ``threshold``."""
    deadline = time.monotonic() + max_wait
    while True:
        load = load_average()
        if load[0] < threshold or time.monotonic() >= deadline:
            return load
        log(f"  load average {load[0]:.2f} >= {threshold}: waiting")
        time.sleep(30)


@contextmanager
def simulator(shape: Shape, *, python: str = PYTHON) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m simulator`` serving ``shape`` on a free loopback port; yields (url, process)."""
    with simulator_serving(shape.simulator_args(), TOKEN, python=python) as served:
        yield served


@contextmanager
def simulator_serving(arguments: list[str], token: str, *,
                      python: str = PYTHON) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m simulator <arguments>`` on a free loopback port; yields (url, process)."""
    command = [python, "-m", "simulator", "--port", "0", "--token", token, *arguments]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"simulator did not start: {line!r}")
        yield line.split()[-1], process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Server settings of the benchmark cluster, the same for every contender: a warehouse on a
# 24 GB machine (shared_buffers a sixth of it, a checkpoint distance that does not turn a
# load of a few GB into a checkpoint storm). Durability stays on (fsync, synchronous commit).
SERVER_SETTINGS = {"shared_buffers": "4GB", "max_wal_size": "8GB",
                   "checkpoint_timeout": "30min"}


def add_server_setting_option(parser: argparse.ArgumentParser) -> None:
    """``--server-setting NAME=VALUE`` (repeatable): a setting of the benchmark's cluster beyond
    ``SERVER_SETTINGS``; ``server_settings`` merges them."""
    parser.add_argument("--server-setting", action="append", default=[], type=_server_setting,
                        metavar="NAME=VALUE",
                        help="a Postgres setting beyond common.SERVER_SETTINGS (repeatable),"
                             " e.g. wal_compression=lz4")


def _server_setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def server_settings(args: argparse.Namespace) -> dict[str, str]:
    return {**SERVER_SETTINGS, **dict(args.server_setting)}


def exit_on_sigterm() -> None:
    """Let `kill` (SIGTERM) unwind the benchmark like Ctrl-C does, so that its Postgres cluster
    and simulator are stopped and removed; by default SIGTERM ends Python without running any
    `with` block's exit, and a benchmark started in the background ignores SIGINT."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


@contextmanager
def postgres(settings: dict[str, str] | None = None,
             keep_log: Path | None = None) -> Iterator[object]:
    """A private Postgres cluster (the project's EmbeddedPostgres), removed on exit; its
    server log is copied to ``keep_log`` first (e.g. to read what `auto_explain` logged)."""
    sys.path.insert(0, str(ROOT / "include"))
    import psycopg

    from tthc_devtools.embedded_postgres import EmbeddedPostgres

    settings = SERVER_SETTINGS if settings is None else settings
    with EmbeddedPostgres(fast_unsafe=False) as pg:
        with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
            for library in {name.split(".")[0] for name in settings if "." in name}:
                conn.execute(f"load '{library}'")  # defines its settings, e.g. auto_explain's
            for name, value in settings.items():
                conn.execute(f"alter system set {name} = '{value}'")
        # pg_ctl restart reuses the start's options (postmaster.opts); postgresql.auto.conf
        # brings the settings, shared_buffers included.
        pg._run(["pg_ctl", "-D", str(pg._workdir / "data"), "-l", str(pg._workdir / "server.log"),
                 "-w", "-t", "60", "restart"])
        try:
            yield pg
        finally:
            if keep_log is not None:
                shutil.copyfile(pg._workdir / "server.log", keep_log)


def fresh_database(pg, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
    return pg.create_database(name)


def drop_database(pg, name: str) -> None:
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')


def cluster_marks(conninfo: str) -> dict[str, int]:
    """Counters of the whole cluster, so that two marks around a task give what it cost the
    server: the WAL written (bytes), the checkpoints started, the blocks not found in shared
    buffers (read from the OS cache or the disk, or added to a table: pg_stat_database counts
    a new page as read), and the bytes queries wrote to temporary files (their sorts, hashes
    and materialised CTEs that did not fit in work_mem). A backend publishes the last two when
    it exits at the latest, and a task's process has exited before its second mark. Not the
    buffers backends wrote
    themselves: Postgres 15 counts a table's new pages among them and publishes the count only
    when the checkpointer next reports, so it lands on whichever task runs then."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        checkpoints = ("select num_timed + num_requested from pg_stat_checkpointer"
                       if conn.info.server_version >= 170000 else
                       "select checkpoints_timed + checkpoints_req from pg_stat_bgwriter")
        row = conn.execute(f"select pg_current_wal_insert_lsn() - '0/0'::pg_lsn, ({checkpoints}),"
                           " sum(blks_read), sum(temp_bytes) from pg_stat_database").fetchone()
        return dict(zip(("wal_bytes", "checkpoints", "blocks_read", "temp_bytes"),
                        map(int, row), strict=True))


@contextmanager
def autovacuum_watch(conninfo: str, interval_s: float = 0.5) -> Iterator[dict[str, float]]:
    """While the block runs, sample what autovacuum workers are doing every ``interval_s``;
    yields {"autovacuum: VACUUM ANALYZE raw.ho_so": seconds seen busy, ...}, filled at exit.
    A worker's vacuum beside a task competes with it for the machine's cores and disk."""
    import psycopg

    busy: dict[str, float] = {}
    failed: list[BaseException] = []
    stop = threading.Event()

    def sample() -> None:
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                while not stop.wait(interval_s):
                    for (query,) in conn.execute(
                            "select query from pg_stat_activity"
                            " where backend_type = 'autovacuum worker' and state = 'active'"):
                        busy[query] = busy.get(query, 0.0) + interval_s
        except Exception as error:  # re-raised below: a dead watch must not report "idle"
            failed.append(error)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        yield busy
    finally:
        stop.set()
        watcher.join()
    if failed:
        raise RuntimeError("the autovacuum watch stopped sampling") from failed[0]


def machine_cpu_seconds() -> float:
    """CPU time every core of the machine has spent busy since boot (``/proc/stat``: user,
    nice, system, irq, softirq, steal; not idle or iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of every descendant, live or exited (an exited child counts
    once its parent has reaped it, as Postgres' postmaster reaps its backends). A child reaped
    between reading the parent and listing the children is missed by this one reading."""
    import psutil

    root = psutil.Process(pid)
    total = sum(root.cpu_times()[:4])  # user, system, children_user, children_system
    for child in root.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:  # exited since the listing: its parent counts it now
            pass
    return total


def postmaster_pid(pg) -> int:
    """The pid of the benchmark cluster's server (``postgres()``), the parent of its backends."""
    return int((pg._workdir / "data" / "postmaster.pid").read_text().split()[0])


@contextmanager
def cpu_account(server_pid: int, simulator_pid: int) -> Iterator[dict[str, float]]:
    """The CPU seconds the machine spent while the block ran: ``machine_s`` (every core, every
    process), ``server_s`` (Postgres: its backends, autovacuum, checkpointer, WAL writer),
    ``simulator_s`` (the source's), and ``elsewhere_s`` (the rest: the contender's own
    processes, this harness, the operating system). Yields the dict, filled at exit.

    Wall time depends on how well work spreads over the cores; CPU time is the work itself.
    On 2 cores no contender can take less wall time than ``machine_s / 2``.
    """
    figures: dict[str, float] = {}
    marks = (machine_cpu_seconds(), tree_cpu_seconds(server_pid),
             tree_cpu_seconds(simulator_pid))
    try:
        yield figures
    finally:
        machine, server, simulator_ = (
            machine_cpu_seconds() - marks[0], tree_cpu_seconds(server_pid) - marks[1],
            tree_cpu_seconds(simulator_pid) - marks[2])
        figures.update(machine_s=machine, server_s=server, simulator_s=simulator_,
                       elsewhere_s=machine - server - simulator_)


def checkpoint(pg) -> None:
    """Write every dirty page now, so the next contender starts with no checkpoint of another's
    work pending: one that falls inside a task is then the contender's own WAL's doing."""
    import psycopg

    with psycopg.connect(pg.uri_for("postgres"), autocommit=True) as conn:
        conn.execute("checkpoint")


def database_size_mb(conninfo: str) -> float:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        return conn.execute("select pg_database_size(current_database())").fetchone()[0] / 1e6


# What every contender must have stored, counted the same way in each one's tables: a
# contender that loaded fewer (or more) records than the others is not a faster contender.
COUNT_KEYS = ("units", "procedures", "dossiers", "status_steps", "payments")


def _counts(conninfo: str, query: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        return dict(zip(COUNT_KEYS, conn.execute(query).fetchone(), strict=True))


def limit_counts(conninfo: str) -> dict[str, int]:
    return _counts(conninfo, """
        select (select count(*) from bench_limit.don_vi),
               (select count(*) from bench_limit.thu_tuc),
               (select count(*) from bench_limit.ho_so),
               (select coalesce(sum(jsonb_array_length(record -> 'TienDo')), 0)
                  from bench_limit.ho_so),
               (select count(*) from bench_limit.giao_dich)""")


def pipeline_counts(conninfo: str) -> dict[str, int]:
    """The star schema's current units and procedures (-1, the unknown member, aside), its
    dossiers, status steps and payments."""
    return _counts(conninfo, """
        select (select count(*) from dw.dim_unit where is_current and unit_key <> -1),
               (select count(*) from dw.dim_procedure where is_current and procedure_key <> -1),
               (select count(*) from dw.fact_dossier),
               (select count(*) from dw.fact_dossier_status),
               (select count(*) from dw.fact_payment)""")


# The peers' tables (their row counts come back in their report's "rows").
PEER_TABLES = {
    "dlt": ("don_vi", "thu_tuc", "ho_so", "ho_so__tien_do", "giao_dich"),
    "naive": ("don_vi", "thu_tuc", "ho_so", "ho_so_tiendo", "giao_dich"),
}


def peer_counts(kind: str, rows: dict[str, int]) -> dict[str, int]:
    tables = PEER_TABLES["naive" if kind == "naive" else "dlt"]
    return {key: int(rows.get(table, 0)) for key, table in zip(COUNT_KEYS, tables, strict=True)}


def unequal_counts(results: dict[str, dict]) -> list[str]:
    """The contenders whose counts differ from the first one's (empty: all agree)."""
    counted = {kind: r["counts"] for kind, r in results.items() if "counts" in r}
    if not counted:
        return []
    reference_kind, reference = next(iter(counted.items()))
    return [f"{kind} {counts} ≠ {reference_kind} {reference}"
            for kind, counts in counted.items() if counts != reference]


@dataclass
class Measured:
    """One stage process: its own report (JSON on stdout's last line) and what time(1) saw."""

    result: dict
    wall_s: float  # the process, interpreter start included
    user_s: float
    sys_s: float
    max_rss_mb: float  # time(1): the largest single process of the tree
    tree_rss_mb: float = 0.0  # sampled: the whole process tree at its largest

    @property
    def seconds(self) -> float:
        """The stage's own time (imports of the pipeline included, interpreter start not)."""
        return float(self.result.get("seconds", self.wall_s))


_TIME_FIELDS = {
    "user_s": re.compile(r"User time \(seconds\): ([\d.]+)"),
    "sys_s": re.compile(r"System time \(seconds\): ([\d.]+)"),
    "max_rss_kb": re.compile(r"Maximum resident set size \(kbytes\): (\d+)"),
    "wall": re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)"),
}


def _wall_seconds(text: str) -> float:
    parts = [float(part) for part in text.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


class _TreeSampler:
    """Samples the summed RSS of a process tree (for peers that fork workers: time(1) only
    reports the largest single process)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import threading

        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for process in [root, *root.children(recursive=True)]:
                    try:
                        if process.name() != "time":
                            total += process.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak_kb = max(self.peak_kb, total // 1024)
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def run_measured(args: list[str], *, timeout: float, python: str = PYTHON,
                 env: dict[str, str] | None = None, cwd: Path = ROOT) -> Measured:
    """Run ``python <args>`` under ``/usr/bin/time -v``; its last stdout line must be JSON."""
    command = [TIME, "-v", python, *args]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "GX_ANALYTICS_ENABLED": "false",
                **(env or {})}
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=full_env)
    sampler = _TreeSampler(process.pid)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        _kill_tree(process.pid)
        process.communicate()
        raise RuntimeError(f"{' '.join(args[:3])} did not finish within {timeout:.0f} s") \
            from expired
    finally:
        tree_mb = sampler.stop()
    fields = {name: pattern.search(stderr) for name, pattern in _TIME_FIELDS.items()}
    if process.returncode != 0 or not all(fields.values()):
        # The process's own last words, before time(1)'s report; long lines (SQL parameters
        # in a driver's error) cut, so the exception's name and message survive.
        own = stderr.split("\tCommand being timed", 1)[0].splitlines()
        tail = "\n".join(line[:400] for line in own[-40:])
        raise RuntimeError(f"{' '.join(args[:3])} failed ({process.returncode}):\n{tail}")
    lines = [line for line in stdout.splitlines() if line.strip()]
    result = json.loads(lines[-1]) if lines else {}
    return Measured(result=result, wall_s=_wall_seconds(fields["wall"].group(1)),
                    user_s=float(fields["user_s"].group(1)),
                    sys_s=float(fields["sys_s"].group(1)),
                    max_rss_mb=int(fields["max_rss_kb"].group(1)) / 1024,
                    tree_rss_mb=tree_mb)


def run_stage(args: list[str], *, timeout: float = 3600.0,
              env: dict[str, str] | None = None) -> Measured:
    """``bench/stage.py <args>`` in its own process, measured (``run_measured``)."""
    return run_measured([str(BENCH / "stage.py"), *args], timeout=timeout, env=env)


def run_batch(conninfo: str, url: str, entity: str, shape: Shape, env: dict[str, str], *,
              load: bool = True) -> int:
    """Extract, stage, validate and (``load``) load the entity's batch of the shape's window;
    its batch id."""
    extracted = run_stage(["extract", "--conninfo", conninfo, "--url", url,
                           "--entity", entity, *shape.window_args()], env=env)
    batch = ["--conninfo", conninfo, "--batch-id", str(extracted.result["batch_id"])]
    run_stage(["stage", *batch], env=env)
    run_stage(["validate", *batch], env=env)
    if load:
        run_stage(["load", *batch], env=env)
    return extracted.result["batch_id"]


def load_catalogues(conninfo: str, url: str, shape: Shape, env: dict[str, str]) -> None:
    """The units and procedures of the shape's window in ``dw``, as the daily catalogue DAG
    leaves them before a dossier batch is checked."""
    for entity in CATALOGUES:
        run_batch(conninfo, url, entity, shape, env)


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        for process in [*root.children(recursive=True), root]:
            process.kill()
    except psutil.NoSuchProcess:
        pass


def log(message: str) -> None:
    """A benchmark's progress line, on stderr (stdout carries its tables)."""
    print(message, file=sys.stderr, flush=True)


def start_run(parser, name, render):
    """Add ``--output`` and ``--render`` to ``parser`` and parse the command line. With
    ``--render PATH``, print an earlier run's tables and return None; else return the arguments,
    the run's stamp and its JSON path (``--output``, else ``bench/out/<name>-<stamp>.json``;
    ``name`` is a string, or a function of the arguments when they name the run)."""
    parser.add_argument("--output", type=Path)
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="print the tables of an earlier run")
    args = parser.parse_args()
    if args.render:
        print(render(json.loads(args.render.read_text(encoding="utf-8"))))
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = name(args) if callable(name) else name
    return args, stamp, args.output or OUT / f"{name}-{stamp}.json"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
