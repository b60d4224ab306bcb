"""`/rapport help`: a static answer rendered inside ack(), the floor for every command."""

from __future__ import annotations

from bench.scenario import Scenario

SCENARIO = Scenario(
    name="help",
    command="/rapport",
    texts=lambda rng: "help",
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
