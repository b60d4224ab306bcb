"""`python -m bench [SCENARIO ...] [--requests N] [--warmup W] [--check] [--keep DIR]`."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.bare import DEFAULT, PBR
from bench.report import RAPPORT, problems, render
from bench.runner import run
from bench.scenarios import SCENARIOS


def build_parser() -> argparse.ArgumentParser:
    listing = "\n".join(
        f"  {s.name:<12} {s.command:<12} p95 ceilings: vs {DEFAULT} {_ceiling(s.max_ratio_default)}, "
        f"vs {PBR} {_ceiling(s.max_ratio_pbr)}"
        for s in SCENARIOS
    )
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Time-to-answer of Rapport's slash commands (request sent → answer received, in the HTTP\n"
            f"response or at response_url) against two bare Bolt apps that only ack: {DEFAULT}\n"
            f"(Bolt's defaults) and {PBR} (process_before_response=True), all measured in the\n"
            "same run against a fake Slack. Prints p50/p95/p99 per target and the ratios\n"
            f"{RAPPORT} p95 / bare p95, which are what count on a noisy machine."
        ),
        epilog=f"scenarios:\n{listing}\n\nSee bench/README.md.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="scenarios to run (default: all of them, listed below)",
    )
    parser.add_argument(
        "--requests", type=int, default=300, metavar="N", help="timed requests per target (default 300)"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, metavar="W", help="untimed requests per target first (default 20)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a p95 ratio is over its scenario's ceiling or a request got no answer",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="cache prepared databases in DIR and reuse them (seeding thousands of members is slow)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    by_name = {s.name: s for s in SCENARIOS}
    unknown = [name for name in args.scenarios if name not in by_name]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(by_name)}")
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0")
    chosen = [by_name[name] for name in args.scenarios] if args.scenarios else SCENARIOS
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; times in ms; "
        "ratios compare targets measured in this same run.",
        flush=True,
    )
    failed: list[str] = []
    for report in run(chosen, requests=args.requests, warmup=args.warmup, keep=args.keep, log=_say):
        print(f"\n{render(report)}", flush=True)
        failed += problems(report)
    if failed:
        print("\n" + "\n".join(("FAIL " if args.check else "over: ") + p for p in failed))
    return 1 if args.check and failed else 0


def _ceiling(value: float | None) -> str:
    return "none" if value is None else f"{value:.2f}"


def _say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
