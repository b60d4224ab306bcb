"""The plain-language tier of the /whoknows evaluation: questions whose words name no skill the
relevant people declared — concepts, categories, jargon, several skills at once, questions as
people ask them — on the evaluation team of `test_ranking` with a few more people, and the skill
graph (`tests/expertise/graph.py`). The existing tier runs again here, on the same team and
graph: widening must not lift an irrelevant person above a relevant one there either.

Both mean reciprocal ranks are printed (`pytest -rA` or `-s` shows them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.expertise import names, ranking, skills, unanswered
from bot.expertise.names import Catalog
from bot.models import Member
from bot.platform.db import Database
from tests.expertise.graph import the_graph
from tests.expertise.test_ranking import (
    ASKER,
    ENDORSED,
    PEOPLE,
    QUERIES,
    TEAM,
    UNKNOWN,
    YEAR,
    build_team,
    evaluate,
    ranked,
)
from tests.support.databases import sqlite_copy
from tests.support.factories import T0, add_members, slack_user
from tests.support.wiring import EVIDENCE, KNOWN

# People who declared concrete tools only (titles that name no skill).
MORE_PEOPLE: dict[str, tuple[str, str, float]] = {
    "U0PAT": ("Software Engineer II", "Prometheus, PagerDuty", 1 / 6),
    "U0NED": ("Engineer II", "Next.js", 1 / 4),
    "U0ISA": ("Infrastructure Developer", "Istio", 1 / 4),
    "U0STEF": ("Billing Developer", "Stripe", 1 / 3),
    "U0SNO": ("Analytics Developer", "Snowflake", 1 / 3),
    "U0KAF": ("Streaming Developer", "Kafka", 1 / 3),
    "U0AZ": ("Cloud Developer", "Azure", 1 / 2),
}
MORE_ENDORSED = [("U0ANA", "U0PAT", "pagerduty")]

K8S = {"U0ANA": 2, "U0BEN": 1}
MONITORING = {"U0PAT": 1, "U0ANA": 1}
FRONTEND = {"U0FEMI": 2, "U0NED": 1}
INCIDENT = {"U0PAT": 2}
# Cloud infrastructure holds the clouds, Kubernetes and Terraform (two hops): all of them count.
CLOUD = {"U0WEN": 1, "U0AZ": 1, "U0ANA": 1, "U0BEN": 1}
PLAIN: list[tuple[str, dict[str, int]]] = [
    # concepts: the skills under them
    ("container orchestration", K8S),
    ("Container Orchestration", K8S),
    ("who knows container orchestration?", K8S),
    ("service mesh", {"U0ISA": 2}),
    ("anyone good at service mesh?", {"U0ISA": 2}),
    ("event streaming", {"U0KAF": 2}),
    ("who knows about event streaming?", {"U0KAF": 2}),
    ("payments", {"U0STEF": 2}),
    ("payment processing", {"U0STEF": 2}),
    ("does anyone know payments?", {"U0STEF": 2}),
    ("data warehouse", {"U0SNO": 2}),
    ("data warehousing", {"U0SNO": 2}),
    ("dwh", {"U0SNO": 2}),
    ("monitoring", MONITORING),
    ("observability", MONITORING),
    ("alerting", MONITORING),
    ("someone who knows monitoring", MONITORING),
    ("incident", INCIDENT),
    ("incident response", INCIDENT),
    ("on-call", INCIDENT),
    ("who can help with incident management?", INCIDENT),
    # categories
    ("frontend", FRONTEND),
    ("front end", FRONTEND),
    ("web development", FRONTEND),
    ("cloud", CLOUD),
    ("cloud infrastructure", CLOUD),
    ("cloud computing", CLOUD),
    ("ui design", {"U0KAI": 2}),
    ("user interface design", {"U0KAI": 2}),
    # jargon: another name of a broader skill
    ("ecmascript", FRONTEND),
    ("es6", FRONTEND),
    ("interaction design", {"U0KAI": 1, "U0LENA": 1}),  # UX design: Figma, user research
    # several skills
    ("react and typescript", FRONTEND),
    ("someone who knows react and typescript", FRONTEND),
    ("react &amp; typescript", FRONTEND),
    ("terraform + aws", {"U0ANA": 2, "U0WEN": 1}),  # nobody has AWS (nor anything under it)
    ("cloud and terraform", {"U0ANA": 2, "U0WEN": 2, "U0AZ": 1, "U0BEN": 1}),
    ("monitoring and incident response", {"U0PAT": 2, "U0ANA": 1}),
    ("python, sql", {"U0DEV": 2, "U0CHLOE": 1, "U0UMA": 1}),
    ("container orchestration and service mesh", {"U0ANA": 1, "U0BEN": 1, "U0ISA": 1}),
    # questions as people ask them
    ("who can help with our CI pipeline", {"U0ANA": 2}),
    ("anyone good at figma?", {"U0KAI": 2}),
    ("an expert in kafka", {"U0KAF": 2}),
    ("experience with stripe?", {"U0STEF": 2}),
    ("help with the snowflake pipeline", {"U0SNO": 2}),
]
NOBODY = [
    "underwater basket weaving",
    "who knows knitting?",
    "someone good at sourdough",
    "anyone who can help with our garden",
    "help with the coffee machine",
    "tax law and accounting",
    "quantum chromodynamics",
    "who knows?",
]


@pytest.fixture(scope="module")
def plain(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The evaluation team and the people above, with the graph in use."""
    with the_graph():
        db = sqlite_copy(_sqlite_template, tmp_path_factory.mktemp("plain"))
        everyone = {**PEOPLE, **{uid: (t, d, YEAR * f) for uid, (t, d, f) in MORE_PEOPLE.items()}}
        build_team(db, everyone, [*ENDORSED, *MORE_ENDORSED])
        yield db
        db.dispose()


def test_plain_language_questions_find_the_right_people(plain: Database) -> None:
    assert len(PLAIN) >= 40
    with the_graph():
        mrr, problems = evaluate(plain, PLAIN)
    print(f"\nplain-language tier: MRR {mrr:.3f} over {len(PLAIN)} questions")
    assert not problems, "\n".join(problems)
    assert mrr >= 0.85


def test_the_existing_tier_holds_with_the_graph_and_more_people(plain: Database) -> None:
    with the_graph():
        mrr, problems = evaluate(plain, QUERIES)
        found = {topic: ranked(plain, topic) for topic in UNKNOWN}
    print(f"\nexisting tier (with the graph): MRR {mrr:.3f} over {len(QUERIES)} questions")
    assert not problems, "\n".join(problems)
    assert mrr >= 0.95
    assert found == {topic: [] for topic in UNKNOWN}


@pytest.mark.parametrize("topic", NOBODY)
def test_distractors_find_nobody(plain: Database, topic: str) -> None:
    with the_graph():
        assert ranked(plain, topic) == []


def test_related_matches_are_explained_and_rank_below_direct_ones(plain: Database) -> None:
    with the_graph(), plain.read() as s:
        answer = ranking.who_knows(
            s, TEAM, ASKER, "container orchestration", T0, evidence=EVIDENCE, known=KNOWN
        )
        assert answer.understood.names == ["Container orchestration"]
        ana = answer.people[0]
        assert ana.related == ["knows *Kubernetes* — container orchestration"]
        javascript = ranking.who_knows(s, TEAM, ASKER, "javascript", T0, evidence=EVIDENCE, known=KNOWN)
        femi, *others = javascript.people
        assert femi.user_id == "U0FEMI"  # by name: first; her TypeScript counts a little, and says so
        assert femi.related == ["also knows *TypeScript* — related to JavaScript"]
        ned = next(p for p in others if p.user_id == "U0NED")
        assert ned.related == ["knows *Next.js* — JavaScript"]
        assert ned.reasons == ["declared Next.js"]  # only the evidence that counted


def test_several_skills_say_what_each_person_covers(plain: Database) -> None:
    with the_graph(), plain.read() as s:
        answer = ranking.who_knows(s, TEAM, ASKER, "azure and terraform", T0, evidence=EVIDENCE, known=KNOWN)
        assert answer.parts == 2
        found = {p.user_id: p.covers for p in answer.people}
        assert next(iter(found)) == "U0ANA"
        assert found == {"U0ANA": ["Terraform"], "U0WEN": ["Terraform"], "U0AZ": ["Azure"]}
        answer = ranking.who_knows(s, TEAM, ASKER, "react and typescript", T0, evidence=EVIDENCE, known=KNOWN)
        femi, ned = answer.people
        assert (femi.user_id, femi.covers) == ("U0FEMI", ["React", "TypeScript"])
        assert (ned.user_id, ned.covers, ned.related) == ("U0NED", ["React"], ["knows *Next.js* — React"])


def test_a_related_skill_alone_finds_nobody_but_is_suggested(plain: Database) -> None:
    """Rust is related to C++, but a C++ expert is not a Rust one: nobody is found, C++ suggested."""
    with the_graph(), plain.read() as s:
        answer = ranking.who_knows(s, TEAM, "U0HANA", "rust", T0, evidence=EVIDENCE, known=KNOWN)
        assert answer.people == []
        assert "C++" in answer.suggestions
        assert answer.unanswered == "Rust"


def test_a_new_graph_version_never_reuses_answers_cached_under_the_old_one(plain: Database) -> None:
    """The same workspace, versions and question: under a graph without the concept's edges (and
    another version) nobody is found; under the evaluation's graph, the Kubernetes people are."""
    bare = Catalog.from_entries(
        [
            {k: v for k, v in e.items() if k not in ("broader", "related")}
            for e in evaluation_catalog_entries()
        ],
        version=1,
    )
    with names.using(bare), plain.read() as s:
        before = ranking.who_knows(
            s, TEAM, ASKER, "container orchestration", T0, evidence=EVIDENCE, known=KNOWN
        )
    assert before.people == []
    with the_graph():
        assert ranked(plain, "container orchestration") == ["U0ANA", "U0BEN"]
    with names.using(bare):
        assert ranked(plain, "container orchestration") == []


def evaluation_catalog_entries() -> list[dict[str, object]]:
    entries: list[dict[str, object]] = names.shipped()["skills"]
    return entries


def test_widened_and_several_part_questions_on_both_databases(any_db: Database) -> None:
    """The tiered standings' statements (each skill's top holders in one statement, then what
    the people found hold) on SQLite and PostgreSQL; the unanswered count too."""
    add_members(any_db, TEAM, slack_user("U0A"), slack_user("U0B"), slack_user("U0C"))
    with any_db.write() as s:
        skills.add(s, TEAM, "U0A", "kubernetes, react, typescript", T0, evidence=EVIDENCE)
        skills.add(s, TEAM, "U0B", "react", T0, evidence=EVIDENCE)
    with the_graph():
        with any_db.read() as s:
            concept = ranking.who_knows(
                s, TEAM, "U0C", "container orchestration", T0, evidence=EVIDENCE, known=KNOWN
            )
            both = ranking.who_knows(
                s, TEAM, "U0C", "react and typescript", T0, evidence=EVIDENCE, known=KNOWN
            )
        assert [(p.user_id, p.related) for p in concept.people] == [
            ("U0A", ["knows *Kubernetes* — container orchestration"])
        ]
        assert [(p.user_id, p.covers) for p in both.people] == [
            ("U0A", ["React", "TypeScript"]),
            ("U0B", ["React"]),
        ]
        for _ in range(2):
            ranking.ask(any_db, TEAM, "U0C", "who knows knitting?", T0, evidence=EVIDENCE, known=KNOWN)
        with any_db.write() as s:
            s.execute(update(Member).where(Member.user_id == "U0C").values(is_admin=True))
        with any_db.read() as s:
            listed = unanswered.this_month(s, TEAM, "U0C", T0)
        assert listed.topics == [("knitting", 2)]
