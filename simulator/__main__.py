"""``python -m simulator``: serve the provincial systems' HTTP contract until interrupted."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from datetime import date, datetime
from pathlib import Path

from simulator.config import FaultRates, SimulatorConfig
from simulator.server import SimulatorServer, build_source
from simulator.timestamps import TZ


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    token = args.token or os.environ.get("SIMULATOR_TOKEN")
    generated_token = not token
    if generated_token:
        token = secrets.token_urlsafe(24)
    try:
        config = SimulatorConfig(
            token=token, seed=args.seed, scale=args.scale, start=args.start, end=args.end,
            now=args.now, scenario_dir=args.scenario, rate_quirks=args.rate_quirks,
            province_code=args.province_code, reorganise_on=args.reorganise_on,
            faults=FaultRates(
                rate_429=args.rate_429, rate_5xx=args.rate_5xx,
                rate_error_code=args.rate_error_code, rate_slow=args.rate_slow,
                rate_drop=args.rate_drop, rate_duplicate=args.rate_duplicate,
                retry_after=args.retry_after, slow_seconds=args.slow_seconds,
                seed=args.fault_seed))
        server = SimulatorServer((args.host, args.port), config, build_source(config),
                                 log_requests=True)
    except (ValueError, OSError) as error:
        sys.exit(f"simulator: {error}")
    host, port = server.server_address[:2]
    print(f"simulator listening on http://{host}:{port}", flush=True)
    if generated_token:
        print(f"simulator: no --token nor SIMULATOR_TOKEN given; generated token: {token}",
              file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


DEFAULT = " (default: %(default)s)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulator of a province's one-stop system and payment platform.")
    # Every option states its default: "(default: %(default)s)" in its help.
    parser.add_argument("--host", default="127.0.0.1", help=f"address to listen on{DEFAULT}")
    parser.add_argument("--port", type=int, default=8765, help=f"0 picks a free port{DEFAULT}")
    parser.add_argument("--token", help="bearer token (default: $SIMULATOR_TOKEN, else random)")
    parser.add_argument("--seed", type=int, default=2022,
                        help=f"seed of the generated province{DEFAULT}")
    parser.add_argument("--scale", type=int, default=2000,
                        help=f"dossiers received over [start, end){DEFAULT}")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2022, 3, 1),
                        help=f"first reception day, YYYY-MM-DD (local){DEFAULT}")
    parser.add_argument("--end", type=date.fromisoformat, default=date(2022, 7, 1),
                        help=f"end of the reception range (excluded), YYYY-MM-DD{DEFAULT}")
    parser.add_argument("--province-code", default="H49",
                        help="province code ending every unit code, hence dossier codes"
                             f" (H and two digits){DEFAULT}")
    parser.add_argument("--reorganise-on", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="abolish the districts and merge communes and two departments at"
                             " 00:00 local that day, inside [start, end) (default: none)")
    parser.add_argument("--now", type=_local_moment,
                        help="the clock, yyyyMMddHHmmss Asia/Ho_Chi_Minh (default: real time)")
    parser.add_argument("--scenario", type=Path, metavar="DIR",
                        help="serve the JSON Lines files of DIR instead of generated data"
                             " (default: generated data)")
    parser.add_argument("--rate-quirks", type=_fraction, default=0.0,
                        help="share of generated records with NFD text, padded codes, '' dates"
                             f"{DEFAULT}")
    for kind, what in (("429", "429 Too Many Requests"), ("5xx", "500/502/503"),
                       ("error-code", 'HTTP 200 with error_code != "0"'),
                       ("slow", "answers delayed by --slow-seconds"),
                       ("drop", "connections closed without a response"),
                       ("duplicate", "pages repeating the previous page's last record")):
        parser.add_argument(f"--rate-{kind}", type=_fraction, default=0.0,
                            help=f"share of list requests answered with {what}{DEFAULT}")
    parser.add_argument("--retry-after", type=int, default=1,
                        help=f"Retry-After seconds on 429{DEFAULT}")
    parser.add_argument("--slow-seconds", type=float, default=5.0,
                        help=f"delay of a slow answer, seconds{DEFAULT}")
    parser.add_argument("--fault-seed", type=int, default=0,
                        help=f"seed of the fault draws{DEFAULT}")
    return parser


def _local_moment(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=TZ)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected yyyyMMddHHmmss, got {text!r}") from None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 to 1, got {text}")
    return value


if __name__ == "__main__":
    main()
