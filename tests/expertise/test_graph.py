"""The skill graph in the catalog, and how a question is read (pure: no database)."""

from __future__ import annotations

import pytest

from bot.expertise import names
from bot.expertise.commands import parse_topic
from bot.expertise.names import Catalog, Skill, Vocabulary, question, understand

ENTRIES: list[dict[str, object]] = [
    {"name": "Cloud infrastructure", "aliases": ["cloud"]},
    {"name": "Container orchestration"},
    {"name": "Kubernetes", "aliases": ["k8s"], "broader": ["Container orchestration"], "related": ["Docker"]},
    {"name": "Helm", "broader": ["Kubernetes", "Nowhere yet"]},
    {"name": "Docker"},
    {"name": "AWS", "broader": ["cloud"]},
    {"name": "Lambda", "broader": ["AWS"]},
    {"name": "Step Functions", "broader": ["Lambda"]},
    {"name": "Incident management", "aliases": ["on-call", "incident response"]},
    {"name": "Python"},  # no graph fields at all (version 1 of the table)
]


def table() -> Catalog:
    return Catalog.from_entries(ENTRIES, version=7)


def test_the_graph_is_loaded_symmetrised_and_precomputed() -> None:
    graph = table()
    assert graph.version == 7
    assert graph.related["kubernetes"] == ("docker",)
    assert graph.related["docker"] == ("kubernetes",)  # said once, true both ways
    assert graph.broader["helm"] == ("kubernetes",)  # a name the table lacks is left out
    assert graph.under["container orchestration"] == ("kubernetes", "helm")  # nearest first
    assert graph.under["cloud infrastructure"] == ("aws", "lambda")  # two hops, no more
    assert "python" not in graph.under
    assert graph.broader["python"] == ()
    assert graph.nearby("lambda") == ["step functions", "aws"]  # what is under it, what it is a kind of


def test_a_skills_own_first_word_stands_for_it() -> None:
    graph = table()
    assert graph.headed("incident") == "incident management"
    assert graph.headed("container") == "container orchestration"
    assert graph.headed("cloud") is None  # a whole name of its own
    assert graph.headed("step") is None  # too short to mean anything alone


def test_the_shipped_table_loads_once_with_its_version() -> None:
    assert names.catalog() is names.catalog()
    assert names.catalog().version == int(names.shipped().get("version") or 1)


def test_a_concept_widens_to_the_team_skills_under_it_and_related_ones() -> None:
    with names.using(table()):
        vocab = Vocabulary([Skill(1, "kubernetes", "Kubernetes"), Skill(2, "docker", "Docker")])
        concept = understand("container orchestration", vocab)
        ((part,),) = [concept.parts]
        assert (part.name, part.skills) == ("Container orchestration", [])
        assert [(r.skill.label, r.kind) for r in part.related] == [("Kubernetes", names.UNDER)]
        k8s = understand("k8s", vocab).parts[0]
        assert [(r.skill.label, r.kind) for r in k8s.related] == [("Docker", names.RELATED)]


@pytest.mark.parametrize(
    ("asked", "read"),
    [
        ("who knows kubernetes?", "kubernetes"),
        ("someone who knows react and typescript", "react and typescript"),
        ("anyone good at figma?", "figma"),
        ("who can help with our CI pipeline", "CI pipeline"),
        ("an expert in terraform + aws", "terraform + aws"),
        ("experience with python, sql", "python, sql"),
        ("react &amp; typescript", "react & typescript"),
        ("help with the a/b testing", "a/b testing"),
        ("does anyone know C#?", "C#"),
        ("who knows?", ""),
    ],
)
def test_questions_are_read_for_their_skills(asked: str, read: str) -> None:
    assert question(asked) == read


def test_a_question_of_filler_only_asks_nothing_and_admins_ask_for_the_unanswered() -> None:
    assert parse_topic("who knows?").topic == ""
    assert parse_topic("--unanswered").unanswered
    assert parse_topic("\u2014unanswered").unanswered  # Slack turns -- into a dash
    assert parse_topic("someone who knows k8s").topic == "someone who knows k8s"
