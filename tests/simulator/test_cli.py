"""``python -m simulator``: the listening line a parent process parses, tokens, bad options."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

pytestmark = pytest.mark.simulator

COMMAND = [sys.executable, "-m", "simulator", "--port", "0", "--scale", "50",
           "--start", "2023-01-02", "--end", "2023-01-10", "--now", "20230201000000"]


@contextmanager
def _running(*options: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, object]]:
    process = subprocess.Popen([*COMMAND, *options], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    try:
        first_line = process.stdout.readline()
        match = re.fullmatch(r"simulator listening on (http://127\.0\.0\.1:\d+)\n", first_line)
        assert match, first_line
        yield match.group(1), process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _status(url: str, token: str) -> int:
    return requests.get(f"{url}/api/v1/don-vi", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code


def test_prints_its_address_first_and_serves(monkeypatch) -> None:
    monkeypatch.delenv("SIMULATOR_TOKEN", raising=False)
    with _running("--token", "s3cret") as (url, _):
        assert requests.get(f"{url}/api/v1/health", timeout=10).json() == {"status": "ok"}
        assert _status(url, "s3cret") == 200
        assert _status(url, "other") == 401


def test_token_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("SIMULATOR_TOKEN", raising=False)
    with _running(env={"SIMULATOR_TOKEN": "from-env"}) as (url, _):
        assert _status(url, "from-env") == 200


def test_without_a_token_one_is_generated_and_printed(monkeypatch) -> None:
    monkeypatch.delenv("SIMULATOR_TOKEN", raising=False)
    with _running() as (url, process):
        token = re.search(r"generated token: (\S+)", process.stderr.readline()).group(1)
        assert len(token) >= 20
        assert _status(url, token) == 200


@pytest.mark.parametrize("options", [["--rate-429", "1.5"], ["--now", "2023-02-01"],
                                     ["--start", "2023-02-01"], ["--rate-5xx", "0.6",
                                                                 "--rate-drop", "0.6"]])
def test_bad_options_stop_with_a_message(options: list[str]) -> None:
    result = subprocess.run([*COMMAND, "--token", "x", *options], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip()


def test_help_shows_every_option_with_its_default():
    from simulator.__main__ import _parser

    result = subprocess.run([sys.executable, "-m", "simulator", "--help"], capture_output=True,
                            text=True, timeout=60, check=True)
    shown = " ".join(result.stdout.split())  # argparse wraps lines
    for expected in ("--port PORT 0 picks a free port (default: 8765)",
                     "(default: 2022-03-01)", "(default: $SIMULATOR_TOKEN, else random)",
                     "--fault-seed FAULT_SEED seed of the fault draws (default: 0)"):
        assert expected in shown
    for action in _parser()._actions:
        if action.dest != "help":
            assert "(default: " in action.help, action.option_strings
