"""The skill graph the evaluations run on.

Once the shipped table carries the graph (`"version": 2` and up), it is used as it is. Until
then, the shipped entries plus the relations the data work describes (issue 13): a few concept
and tool entries, `broader` and `related` on existing ones. Its version (1002) is one the
shipped table never has, so cached answers never mix the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.expertise import names

OVERLAY: list[dict[str, Any]] = [
    {"name": "Container orchestration", "area": "engineering", "aliases": []},
    {"name": "Event streaming", "area": "engineering", "aliases": ["event streams", "streaming"]},
    {"name": "Service mesh", "area": "engineering", "aliases": []},
    {"name": "Payments", "area": "engineering", "aliases": ["payment processing"]},
    {"name": "Web performance", "area": "engineering", "aliases": []},
    {"name": "Istio", "area": "engineering", "aliases": [], "broader": ["Service mesh"]},
    {"name": "Stripe", "area": "engineering", "aliases": [], "broader": ["Payments"]},
    {"name": "PagerDuty", "area": "engineering", "aliases": [], "broader": ["Incident management"]},
    {"name": "Kubernetes", "broader": ["Container orchestration"], "related": ["Docker"]},
    {"name": "Prometheus", "broader": ["Observability"]},
    {"name": "React", "broader": ["Frontend development", "JavaScript"]},
    {"name": "Next.js", "broader": ["React"]},
    {"name": "Kafka", "broader": ["Event streaming"]},
    {"name": "Figma", "broader": ["UI design", "UX design"]},
    {"name": "Snowflake", "broader": ["Data warehousing"]},
    {"name": "AWS", "broader": ["Cloud architecture"], "related": ["Google Cloud", "Azure"]},
    {"name": "Google Cloud", "broader": ["Cloud architecture"]},
    {"name": "Azure", "broader": ["Cloud architecture"]},
    {"name": "Terraform", "broader": ["Infrastructure as code"]},
    {"name": "Tableau", "broader": ["Data analysis"]},
    {"name": "Power BI", "broader": ["Data analysis"]},
    {"name": "Looker", "broader": ["Data analysis"]},
    {"name": "TypeScript", "related": ["JavaScript"]},
]


def evaluation_catalog() -> names.Catalog:
    data = names.shipped()
    if int(data.get("version") or 1) >= 2:
        return names.catalog()
    entries = {str(e["name"]): dict(e) for e in data["skills"]}
    for extra in OVERLAY:
        entry = entries.setdefault(extra["name"], {"aliases": []})
        taken = {
            names.normalise(a) for e in entries.values() for a in [e.get("name", ""), *e.get("aliases", [])]
        }
        extra = {**extra, "aliases": [a for a in extra.get("aliases", []) if names.normalise(a) not in taken]}
        entry.update({k: v for k, v in extra.items() if k != "aliases"})
        entry["aliases"] = [*entry.get("aliases", []), *extra["aliases"]]
        entry.setdefault("area", "engineering")
    return names.Catalog.from_entries(entries.values(), version=1002)


@contextmanager
def the_graph() -> Iterator[names.Catalog]:
    """The evaluation's table in use while inside."""
    with names.using(evaluation_catalog()) as table:
        yield table
