"""A throwaway local Postgres for demos and tests.

Used only when no warehouse is configured (``AIRFLOW_CONN_WAREHOUSE`` unset): it runs ``initdb``
in a temporary directory, starts the server on a free loopback port and removes everything on
stop. Binaries come from the machine (``TTHC_PG_BIN``, ``pg_config --bindir``, Debian's
``/usr/lib/postgresql/<v>/bin``) or, failing those, from the pip-installed ``pgserver`` wheel.

Postgres refuses to run as root; when we are root the server runs as the ``postgres`` system
user if it exists, else ``nobody``.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
DEFAULT_DATABASE = "warehouse"


def find_postgres_bindir() -> Path:
    """Return a directory holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    for candidate in _bindir_candidates():
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return candidate
    raise RuntimeError(
        "No Postgres server binaries found: install Postgres (e.g. Debian's postgresql package), "
        "set TTHC_PG_BIN, or `pip install pgserver`; or point AIRFLOW_CONN_WAREHOUSE at a server."
    )


def _bindir_candidates() -> Iterator[Path]:
    """Places to look, best first; the pgserver wheel only when nothing else is found."""
    if os.environ.get("TTHC_PG_BIN"):
        yield Path(os.environ["TTHC_PG_BIN"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            yield Path(out.stdout.strip())
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb_on_path = shutil.which("initdb")
    if initdb_on_path:
        yield Path(initdb_on_path).resolve().parent
    yield from _pgserver_bindir()


def _version_key(path: Path) -> float:
    try:
        return float(path.parent.name)
    except ValueError:
        return 0.0


def _pgserver_bindir() -> list[Path]:
    try:
        import pgserver  # noqa: PLC0415 - optional fallback, only imported when needed
    except ImportError:
        return []
    return [Path(pgserver.__file__).parent / "pginstall" / "bin"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> str | None:
    """The unprivileged user to run the server as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


@dataclass
class EmbeddedPostgres:
    """A private Postgres cluster on 127.0.0.1; use as a context manager."""

    database: str = DEFAULT_DATABASE
    fast_unsafe: bool = True  # fsync off: a throwaway cluster needs no crash safety
    port: int = 0
    bindir: Path = field(default_factory=find_postgres_bindir)
    _workdir: Path | None = None
    _user: str | None = None

    @property
    def uri(self) -> str:
        return self.uri_for(self.database)

    @property
    def server_log(self) -> Path:
        """The server's log file (what ``log_statement`` and friends write to)."""
        if self._workdir is None:
            raise RuntimeError("the server is not running")
        return self._workdir / "server.log"

    def uri_for(self, database: str, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> EmbeddedPostgres:
        self._user = _server_user()
        self._workdir = Path(tempfile.mkdtemp(prefix="tthc-pg-"))
        datadir = self._workdir / "data"
        if self._user:
            user = pwd.getpwnam(self._user)
            os.chown(self._workdir, user.pw_uid, user.pw_gid)
        self._run(["initdb", "-D", str(datadir), "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        self.port = self.port or free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self._workdir}"
        if self.fast_unsafe:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(["pg_ctl", "-D", str(datadir), "-l", str(self.server_log),
                   "-o", options, "-w", "-t", "60", "start"])
        self._create_database(self.database)
        log.info("embedded Postgres ready at 127.0.0.1:%s (%s)", self.port, self.bindir)
        return self

    def stop(self) -> None:
        if self._workdir is None:
            return
        datadir = self._workdir / "data"
        if (datadir / "postmaster.pid").exists():
            self._run(["pg_ctl", "-D", str(datadir), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self._workdir, ignore_errors=True)
        self._workdir = None

    def create_database(self, name: str) -> str:
        """Create an empty database in this cluster and return its URI."""
        self._create_database(name)
        return self.uri_for(name)

    def _create_database(self, name: str) -> None:
        import psycopg  # noqa: PLC0415 - keep module import light for DAG parsing

        with psycopg.connect(self.uri_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        result = subprocess.run(command, capture_output=True, text=True, user=self._user,
                                cwd=self._workdir)
        if check and result.returncode != 0:
            server_log = self._workdir / "server.log" if self._workdir else None
            tail = server_log.read_text()[-2000:] if server_log and server_log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): "
                               f"{result.stderr.strip()}\n{tail}")
        return result

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
