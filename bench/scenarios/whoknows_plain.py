"""`/whoknows` asked in plain language on the `whoknows` workspace (10,000 members): questions
with filler, concepts and categories answered through the skill graph (the skills under them,
a few indexed reads, one per skill, then cached), and several skills at once."""

from __future__ import annotations

from bench.scenario import Scenario
from bench.scenarios import whoknows

TOPICS = (
    "who knows container orchestration?",
    "monitoring",
    "someone who knows react and typescript",
    "react &amp; typescript",
    "terraform + aws",
    "anyone good at figma?",
    "who can help with our CI pipeline",
    "incident",
    "frontend",
    "cloud",
    "payments",
    "event streaming",
    "service mesh",
    "data warehouse",
    "an expert in python, sql",
    "javascript",
    "who knows knitting?",
)

SCENARIO = Scenario(
    name="whoknows-plain",
    command="/whoknows",
    texts=lambda rng: rng.choice(TOPICS),
    users=whoknows.asker,
    prepare=whoknows.prepare,
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
