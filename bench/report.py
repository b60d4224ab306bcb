"""Turning measured times into percentiles, ratios, ceiling checks and a printed table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench.bare import DEFAULT, PBR
from bench.scenario import Scenario

RAPPORT = "rapport"
TARGETS = (DEFAULT, PBR, RAPPORT)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating between ranks; NaN when there are no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Timings:
    """Time-to-answer of one target, in seconds, and the requests that got no proper answer."""

    target: str
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.seconds)

    @property
    def mean(self) -> float:
        return sum(self.seconds) / len(self.seconds) if self.seconds else math.nan

    def p(self, q: float) -> float:
        return percentile(self.seconds, q)


@dataclass(frozen=True)
class Ratio:
    """Rapport's time-to-answer over one bare app's, at p50 and p95."""

    baseline: str
    p50: float
    p95: float
    ceiling: float | None

    @property
    def over(self) -> bool:
        """Above the ceiling (an unmeasurable ratio counts as over)."""
        return self.ceiling is not None and not self.p95 <= self.ceiling


def ratio(rapport: Timings, bare: Timings, ceiling: float | None) -> Ratio:
    def div(a: float, b: float) -> float:
        return a / b if b > 0 else math.nan

    return Ratio(bare.target, div(rapport.p(50), bare.p(50)), div(rapport.p(95), bare.p(95)), ceiling)


@dataclass
class Report:
    """One scenario's run: the three targets' timings."""

    scenario: Scenario
    requests: int
    warmup: int
    timings: dict[str, Timings]
    example: str = ""  # the text of the first request

    @property
    def ratios(self) -> list[Ratio]:
        rapport = self.timings[RAPPORT]
        return [
            ratio(rapport, self.timings[DEFAULT], self.scenario.max_ratio_default),
            ratio(rapport, self.timings[PBR], self.scenario.max_ratio_pbr),
        ]


def problems(report: Report) -> list[str]:
    """Why `--check` fails this scenario: ratios over their ceilings, requests left unanswered."""
    name = report.scenario.name
    found = [
        f"{name}: {RAPPORT} p95 / {r.baseline} p95 = {r.p95:.2f}, over its ceiling {r.ceiling:.2f}"
        for r in report.ratios
        if r.over
    ]
    for t in report.timings.values():
        if t.failures:
            found.append(f"{name}: {t.target} failed {len(t.failures)} request(s), first: {t.failures[0]}")
    return found


def render(report: Report) -> str:
    """The table `python -m bench` prints for one scenario (times in ms)."""
    s = report.scenario
    lines = [
        f"{s.name}: `{s.command} {report.example[:60]}` — {report.requests} timed requests per target "
        f"after {report.warmup} warm-up, one in flight, targets interleaved",
        f"  {'target':<14}{'n':>6}{'failed':>8}{'mean':>9}{'p50':>9}{'p95':>9}{'p99':>9}   (ms)",
    ]
    for name in TARGETS:
        t = report.timings[name]
        cells = "".join(f"{v * 1000:>9.2f}" for v in (t.mean, t.p(50), t.p(95), t.p(99)))
        lines.append(f"  {name:<14}{t.n:>6}{len(t.failures):>8}{cells}")
    for r in report.ratios:
        verdict = "" if r.ceiling is None else f"   ceiling {r.ceiling:.2f}: {'OVER' if r.over else 'ok'}"
        lines.append(f"  {RAPPORT} / {r.baseline:<14} p50 {r.p50:>6.2f}   p95 {r.p95:>6.2f}{verdict}")
    default, pbr = report.timings[DEFAULT], report.timings[PBR]
    lines.append(
        f"  (Bolt's default runner polls ack() every 10 ms: {DEFAULT} mean {default.mean * 1000:.1f} ms, "
        f"{PBR} mean {pbr.mean * 1000:.1f} ms)"
    )
    return "\n".join(lines)
