"""Memory and speed of the simulator serving every dossier of a year, at two scales.

Starts ``python -m simulator`` as a subprocess per scale, pages through daily windows of
``ho-so`` (limit 5000) covering every update of every dossier, and reports the records
served, records per second (wall, and per second of the simulator's own CPU), and the
subprocess's peak RSS (VmHWM, and the maximum of VmRSS sampled every 0.2 s). Memory must stay
flat: the simulator regenerates days on demand instead of holding the range.

    .venv/bin/python bench/simulator_memory.py                  # 100k and 1M dossiers
    .venv/bin/python bench/simulator_memory.py --scales 100000  # quicker
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import orjson
import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
LIFETIME_DAYS = 150  # simulator.dossiers.LIFETIME_DAYS: the last update comes before this


@dataclass
class Result:
    scale: int
    windows: int
    records: int
    megabytes: float
    seconds: float
    server_cpu_seconds: float
    peak_rss_mb: float
    hwm_mb: float
    rss_by_quarter_mb: list[float]  # VmRSS after 25, 50, 75 and 100 % of the windows


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


class _RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak_kb = max(self.peak_kb, _memory_kb(self.pid, "VmRSS"))
            time.sleep(0.2)


def _windows(start: date, end: date) -> list[tuple[str, str]]:
    """Daily windows from a week before the range to the last possible update."""
    first, last = start - timedelta(days=7), end + timedelta(days=LIFETIME_DAYS)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(f"{a:%Y%m%d}000000", f"{b:%Y%m%d}000000")
            for a, b in zip(days, days[1:], strict=False)]


def run_scale(scale: int, start: date, end: date, limit: int) -> Result:
    now = end + timedelta(days=LIFETIME_DAYS + 1)
    command = [sys.executable, "-m", "simulator", "--port", "0", "--token", TOKEN,
               "--scale", str(scale), "--start", start.isoformat(), "--end", end.isoformat(),
               "--now", f"{now:%Y%m%d}000000"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().split()[-1]
        sampler = _RssSampler(server.pid)
        sampler.start()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        windows = _windows(start, end)
        records = size = 0
        quarters = {len(windows) * quarter // 4 for quarter in (1, 2, 3, 4)}
        rss_by_quarter = []
        began = time.perf_counter()
        for number, (tu, den) in enumerate(windows, start=1):
            cursor = None
            while True:
                params = {"cap_nhat_tu": tu, "cap_nhat_den": den, "limit": limit}
                if cursor:
                    params["cursor"] = cursor
                response = session.get(f"{url}/api/v1/ho-so", params=params, timeout=300)
                response.raise_for_status()
                page = orjson.loads(response.content)
                records += len(page["data"])
                size += len(response.content)
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            if number in quarters:
                rss_by_quarter.append(_memory_kb(server.pid, "VmRSS") / 1024)
        seconds = time.perf_counter() - began
        cpu = psutil.Process(server.pid).cpu_times()
        sampler.running = False
        hwm = _memory_kb(server.pid, "VmHWM")
        return Result(scale, len(windows), records, size / 1e6, seconds, cpu.user + cpu.system,
                      sampler.peak_kb / 1024, hwm / 1024, rss_by_quarter)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2024, 1, 1))
    parser.add_argument("--limit", type=int, default=5000)
    args = parser.parse_args()
    print(f"daily ho-so windows over [{args.start}, {args.end}) + {LIFETIME_DAYS} days, "
          f"limit {args.limit}")
    print(f"{'dossiers':>10} {'windows':>7} {'records':>10} {'MB':>8} {'wall s':>8} "
          f"{'rec/s':>8} {'cpu s':>8} {'rec/cpu-s':>10} {'peak RSS MB':>12} {'VmHWM MB':>9}  "
          f"RSS MB after 25/50/75/100 % of the windows")
    for scale in args.scales:
        r = run_scale(scale, args.start, args.end, args.limit)
        print(f"{r.scale:>10} {r.windows:>7} {r.records:>10} {r.megabytes:>8.0f} "
              f"{r.seconds:>8.1f} {r.records / r.seconds:>8.0f} {r.server_cpu_seconds:>8.1f} "
              f"{r.records / r.server_cpu_seconds:>10.0f} {r.peak_rss_mb:>12.0f} "
              f"{r.hwm_mb:>9.0f}  {' / '.join(f'{mb:.0f}' for mb in r.rss_by_quarter_mb)}",
              flush=True)


if __name__ == "__main__":
    main()
