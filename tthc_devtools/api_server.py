"""A local Airflow API server (UI + REST API) over the project's metadata DB, for tests and
screenshots.

It runs ``airflow api-server`` on a free loopback port with the environment of this process
(``AIRFLOW_HOME`` and friends, as the Makefile and tests/conftest.py set them), after
``airflow dags reserialize`` so that the DAGs and their import errors are in the metadata DB
without a DAG processor. Authentication is Airflow 3's default SimpleAuthManager in its
"every user is an admin" mode: a token comes from ``GET /auth/token`` with no credentials, and
``/auth/token/login?next=…`` logs a browser in. Local use only: it binds 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

_AIRFLOW = Path(sys.executable).with_name("airflow")


@dataclass(frozen=True)
class ApiServer:
    url: str
    token: str

    def get(self, path: str) -> Any:
        """GET a REST API path (``/api/v2/...``) with the admin token; the decoded JSON."""
        request = urllib.request.Request(self.url + path,
                                         headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def login_url(self, page: str) -> str:
        """A URL that logs a browser in and then shows ``page`` (e.g. ``/dags/x``)."""
        return f"{self.url}/auth/token/login?next={quote(self.url + page, safe='')}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__API_AUTH__JWT_SECRET": os.environ.get("AIRFLOW__API_AUTH__JWT_SECRET")
        or secrets.token_urlsafe(32),
    }


def reserialize(env: dict[str, str]) -> None:
    """Parse dags/ into the metadata DB (serialized DAGs, import errors), as a DAG processor."""
    subprocess.run([str(_AIRFLOW), "dags", "reserialize"], env=env, check=True,
                   capture_output=True, timeout=300)


@contextmanager
def api_server(log_path: Path | None = None, startup_timeout: float = 180) -> Iterator[ApiServer]:
    """Start the API server; yield it once healthy; stop it (and only it) afterwards."""
    port = free_port()
    env = server_environment(port)
    reserialize(env)
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [str(_AIRFLOW), "api-server", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, startup_timeout)
        yield ApiServer(url, _token(url))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"airflow api-server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"airflow api-server at {url} not healthy after {timeout:.0f} s")


def _token(url: str) -> str:
    with urllib.request.urlopen(f"{url}/auth/token", timeout=30) as response:
        return json.loads(response.read())["access_token"]
