"""The curated skill graph shipped as data (bot/expertise/data/skills.json) is well formed.

Only the file is read here, plus the loader's own check that no name belongs to two skills: what
the graph is used for (finding narrower and related skills) is tested with /whoknows.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import pytest

from bot.expertise.names import catalog, normalise

AREAS = frozenset(
    {"engineering", "data", "design", "people", "sales", "product", "marketing", "operations"}
    | {"languages", "finance"}
)
# The roots of the graph: concepts that are a kind of nothing else in it, so need no link.
TOP = frozenset(
    {
        "Software engineering",
        "Security",
        "Data science",
        "Artificial intelligence",
        "Design",
        "Product management",
        "Sales",
        "Marketing",
        "Finance",
        "Human resources",
        "Operations",
        "Legal",
        "Strategy",
        "Communication",
        "Customer experience",
        "Languages",
    }
)
MAX_DESCRIPTION = 90


@cache
def table() -> dict[str, Any]:
    raw = resources.files("bot.expertise").joinpath("data/skills.json").read_text(encoding="utf-8")
    return json.loads(raw)


def entries() -> list[dict[str, Any]]:
    return table()["skills"]


def by_name() -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in entries()}


def related_both_ways() -> dict[str, set[str]]:
    related: dict[str, set[str]] = {}
    for entry in entries():
        for other in entry.get("related", []):
            related.setdefault(entry["name"], set()).add(other)
            related.setdefault(other, set()).add(entry["name"])
    return related


def test_the_table_loads_and_is_versioned() -> None:
    assert type(table()["version"]) is int  # not a bool, a float or a string
    assert table()["version"] >= 2
    assert len(catalog().skills) == len(entries())  # the loader refuses a name two skills share


def test_at_least_400_entries_in_every_area() -> None:
    assert len(entries()) >= 400
    areas = Counter(entry["area"] for entry in entries())
    assert set(areas) <= AREAS, set(areas) - AREAS
    for area in AREAS - {"languages"}:
        assert areas[area] >= 15, areas


def test_names_are_unique_and_no_alias_is_another_entrys_name() -> None:
    keys = Counter(normalise(entry["name"]) for entry in entries())
    assert [key for key, n in keys.items() if n > 1] == []
    owner = {normalise(entry["name"]): entry["name"] for entry in entries()}
    clashes = [
        (entry["name"], alias)
        for entry in entries()
        for alias in entry.get("aliases", [])
        if owner.get(normalise(alias), entry["name"]) != entry["name"]
    ]
    assert clashes == []


def test_every_entry_has_a_short_description() -> None:
    bad = [
        entry["name"]
        for entry in entries()
        if not isinstance(entry.get("description"), str)
        or not entry["description"].strip()
        or len(entry["description"]) >= MAX_DESCRIPTION
    ]
    assert bad == []


def test_every_link_names_another_entry() -> None:
    names = set(by_name())
    dangling = [
        (entry["name"], kind, other)
        for entry in entries()
        for kind in ("broader", "related")
        for other in entry.get(kind, [])
        if other not in names or other == entry["name"]
    ]
    assert dangling == []


def test_broader_is_acyclic() -> None:
    up = {entry["name"]: entry.get("broader", []) for entry in entries()}
    done: set[str] = set()

    def climb(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " → ".join((*path, name))
        if name in done:
            return
        for parent in up.get(name, []):
            climb(parent, (*path, name))
        done.add(name)

    for name in up:
        climb(name, ())


def test_every_entry_but_the_top_concepts_is_linked() -> None:
    related = related_both_ways()
    unlinked = [
        entry["name"]
        for entry in entries()
        if entry["name"] not in TOP and not entry.get("broader") and not related.get(entry["name"])
    ]
    assert unlinked == []
    names = by_name()
    assert TOP - set(names) == set()
    assert [name for name in TOP if names[name].get("broader")] == []


BROADER = [
    ("Kubernetes", "Container orchestration"),
    ("Kubernetes", "Cloud infrastructure"),
    ("Helm", "Container orchestration"),
    ("Docker", "Containers"),
    ("Prometheus", "Observability"),
    ("Grafana", "Observability"),
    ("Datadog", "Observability"),
    ("Sentry", "Observability"),
    ("Splunk", "Observability"),
    *((name, "Frontend development") for name in ("React", "Vue.js", "Angular", "Svelte", "Next.js")),
    *((name, "JavaScript") for name in ("React", "Vue.js", "Angular", "Svelte", "Next.js", "Node.js")),
    ("Next.js", "React"),
    ("Node.js", "Backend development"),
    ("Kafka", "Event streaming"),
    ("Kinesis", "Event streaming"),
    ("Flink", "Event streaming"),
    ("RabbitMQ", "Messaging"),
    *((name, kind) for name in ("Figma", "Sketch") for kind in ("UI design", "UX design", "Prototyping")),
    *((name, "Data warehousing") for name in ("Snowflake", "BigQuery", "Redshift", "dbt")),
    *((name, "Payments") for name in ("Stripe", "Adyen", "PCI DSS")),
    *((name, "Service mesh") for name in ("Istio", "Linkerd", "Envoy")),
    ("PagerDuty", "Incident management"),
    *((name, "Web performance") for name in ("Performance engineering", "Core Web Vitals", "CDN")),
    *((name, "Infrastructure as code") for name in ("Terraform", "Pulumi", "Ansible")),
    *((name, "Cloud infrastructure") for name in ("AWS", "Google Cloud", "Azure")),
    *((name, "Databases") for name in ("PostgreSQL", "MySQL", "SQLite", "MongoDB", "SQL Server")),
    *(
        (name, kind)
        for name in ("Tableau", "Power BI", "Looker")
        for kind in ("Business intelligence", "Data visualization")
    ),
    *((name, kind) for name in ("pandas", "NumPy") for kind in ("Python", "Data analysis")),
    ("PyTorch", "Deep learning"),
    ("TensorFlow", "Deep learning"),
    ("Deep learning", "Machine learning"),
    ("Salesforce", "CRM"),
    ("HubSpot", "CRM"),
    ("SEO", "Marketing"),
    ("Swift", "iOS development"),
    ("iOS development", "Mobile development"),
    ("Kotlin", "Android development"),
]
RELATED = [
    ("TypeScript", "JavaScript"),
    ("Docker", "Kubernetes"),
    ("SQL", "Databases"),
    ("SEO", "Content marketing"),
]


@pytest.mark.parametrize(("name", "broader"), BROADER)
def test_the_links_whoknows_relies_on_are_there(name: str, broader: str) -> None:
    assert broader in by_name()[name].get("broader", [])


@pytest.mark.parametrize(("name", "other"), RELATED)
def test_the_related_links_whoknows_relies_on_are_there(name: str, other: str) -> None:
    assert other in related_both_ways().get(name, set())
