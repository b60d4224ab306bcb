"""The labelled evaluation of /whoknows, and the asker's re-rank.

A synthetic team of 26 people (declared skills of various ages, endorsements, Slack titles, a
deactivated expert and a bot) and graded queries: aliases, typos, case, punctuation, titles,
distractors and unknown topics. Grades: 2 = the person to ask, 1 = knows it, absent = irrelevant.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.bootstrap import build_registry
from bot.expertise import endorsements, ranking, skills
from bot.models import Member
from bot.platform.db import Database
from bot.relationships import acquaintances as known_people
from bot.relationships.acquaintances import Acquaintances
from tests.support.databases import sqlite_copy
from tests.support.factories import T0, add_members, slack_user
from tests.support.wiring import EVIDENCE, KNOWN

TEAM = "T0EVAL"
ASKER = "U0ASKER"
YEAR = timedelta(days=365)

# Slack id: (title, declared skills, how long ago they were declared)
PEOPLE: dict[str, tuple[str, str, timedelta]] = {
    "U0ANA": (
        "Staff Site Reliability Engineer",
        "kubernetes, terraform, prometheus, github actions",
        YEAR / 12,
    ),
    "U0BEN": ("Software Engineer", "k8s", 2 * YEAR),
    "U0CHLOE": ("Senior Data Scientist", "python, machine learning, pandas", YEAR / 4),
    "U0DEV": ("Data Engineer", "python, sql, pyspark, airflow", YEAR / 2),
    "U0EVE": ("Security Engineer", "pentesting, cryptography", YEAR),
    "U0FEMI": ("Frontend Engineer", "React.js, TypeScript, JavaScript, CSS", YEAR / 6),
    "U0GUS": ("Backend Engineer", "golang, postgres, grpc", YEAR / 3),
    "U0HANA": ("iOS Engineer", "Swift, Objective-C", YEAR),
    "U0IVAN": ("Android Engineer", "Kotlin, Java", YEAR / 2),
    "U0JO": ("Product Manager", "product roadmap, a/b testing", YEAR / 5),
    "U0KAI": ("Product Designer", "Figma, user research, design systems", YEAR / 4),
    "U0LENA": ("UX Researcher", "usability testing, user interviews", YEAR / 3),
    "U0MO": ("Account Executive", "Salesforce, negotiation", YEAR / 2),
    "U0NIA": ("Customer Success Manager", "customer onboarding", YEAR / 2),
    "U0OMAR": ("Recruiter", "sourcing, interviewing", YEAR / 2),
    "U0PIA": ("HR Business Partner", "employee relations, compensation", YEAR / 2),
    "U0QUINN": ("Engineering Manager", "people management, mentorship, C++", YEAR / 2),
    "U0RUI": ("Embedded Engineer", "C, C++, firmware", YEAR / 2),
    "U0SAM": ("Game Developer", "C#, .NET, Unity", YEAR / 2),
    "U0TARA": ("Marketing Manager", "SEO, copywriting", YEAR / 2),
    "U0UMA": ("Data Analyst", "SQL, Tableau, spreadsheets", YEAR / 2),
    "U0WEN": ("Platform Engineer", "GCP, Terraform", YEAR / 2),
    "U0XIN": ("Backend Developer", "nodejs, GraphQL", YEAR / 2),
    "U0YARA": ("Machine Learning Engineer", "", YEAR),
    "U0VIC": ("Principal Engineer", "kubernetes, go", YEAR / 12),  # deactivated
    "U0BOT": ("", "kubernetes", YEAR / 12),  # a bot
}
ENDORSED: list[tuple[str, str, str]] = [  # (endorser, endorsed, skills)
    ("U0BEN", "U0ANA", "kubernetes"),
    ("U0WEN", "U0ANA", "kubernetes, terraform"),
    ("U0QUINN", "U0ANA", "k8s"),
    ("U0DEV", "U0CHLOE", "ml"),
    ("U0YARA", "U0CHLOE", "machine learning"),
    ("U0CHLOE", "U0DEV", "spark"),
    ("U0KAI", "U0FEMI", "react"),
    ("U0XIN", "U0FEMI", "react"),
    ("U0JO", "U0KAI", "figma"),
    ("U0LENA", "U0KAI", "figma"),
    ("U0KAI", "U0LENA", "user research"),
    ("U0JO", "U0LENA", "ux research"),
    ("U0TARA", "U0LENA", "user research"),
    ("U0QUINN", "U0RUI", "c++"),
    ("U0GUS", "U0WEN", "google cloud"),
    ("U0ANA", "U0VIC", "kubernetes"),
    ("U0BEN", "U0VIC", "kubernetes"),
]

K8S = {"U0ANA": 2, "U0BEN": 1}
QUERIES: list[tuple[str, dict[str, int]]] = [
    ("kubernetes", K8S),
    ("k8s", K8S),
    ("Kubernetes", K8S),
    ("K8S!", K8S),
    ("kuberntes", K8S),  # typo
    ("golang", {"U0GUS": 2}),
    ("go", {"U0GUS": 2}),  # never Google Cloud
    ("gcp", {"U0WEN": 2}),
    ("google cloud", {"U0WEN": 2}),  # never Go
    ("postgres", {"U0GUS": 2}),
    ("c++", {"U0RUI": 2, "U0QUINN": 1}),  # never C#
    ("C#", {"U0SAM": 2}),  # never C++
    (".NET", {"U0SAM": 2}),
    ("dotnet", {"U0SAM": 2}),
    ("js", {"U0FEMI": 2}),
    ("javascript", {"U0FEMI": 2}),  # never Java
    ("java", {"U0IVAN": 2}),  # never JavaScript
    ("react.js", {"U0FEMI": 2}),
    ("node", {"U0XIN": 2}),
    ("ml", {"U0CHLOE": 2, "U0YARA": 1}),  # Yara by her title only
    ("Machine Learning", {"U0CHLOE": 2, "U0YARA": 1}),
    ("continuous integration", {"U0ANA": 2}),
    ("sre", {"U0ANA": 2}),  # by title
    ("site reliability", {"U0ANA": 2}),
    ("security", {"U0EVE": 2}),  # by title
    ("pen testing", {"U0EVE": 2}),
    ("data science", {"U0CHLOE": 2}),  # "Data Scientist" title
    ("spark", {"U0DEV": 2}),
    ("sql", {"U0DEV": 1, "U0UMA": 1}),
    ("user research", {"U0LENA": 2, "U0KAI": 1}),
    ("usability testing", {"U0LENA": 2, "U0KAI": 1}),
    ("figma", {"U0KAI": 2}),
    ("recruiting", {"U0OMAR": 2}),
    ("HR", {"U0PIA": 2}),  # "HR Business Partner" title
    ("sfdc", {"U0MO": 2}),
    ("sales", {"U0MO": 2}),  # "Account Executive" title
    ("seo", {"U0TARA": 2}),
    ("excel", {"U0UMA": 2}),
    ("objc", {"U0HANA": 2}),
    ("terraform", {"U0ANA": 2, "U0WEN": 1}),
    ("kubernetes and terraform", {"U0ANA": 2, "U0WEN": 1, "U0BEN": 1}),
    ("mentoring", {"U0QUINN": 2}),
    ("typescript", {"U0FEMI": 2}),
    ("who knows swift?", {"U0HANA": 2}),
]
UNKNOWN = ["underwater basket weaving", "rust", "scala", "🎉", "'; DROP TABLE member; --"]


def build_team(
    db: Database, people: dict[str, tuple[str, str, timedelta]], endorsed: list[tuple[str, str, str]]
) -> None:
    """A synthetic team, through the same core functions the app uses."""
    users = [
        slack_user(uid, title=title, deleted=uid == "U0VIC", is_bot=uid == "U0BOT")
        for uid, (title, _, _) in people.items()
    ]
    add_members(db, TEAM, *users)
    with db.write() as s:
        for uid, (_, declared, age) in people.items():
            if declared:
                skills.add(s, TEAM, uid, declared, T0 - age, evidence=EVIDENCE)
        for endorser, endorsee, what in endorsed:
            endorsements.endorse(s, TEAM, endorser, [endorsee], what, T0 - YEAR / 6, evidence=EVIDENCE)


@pytest.fixture(scope="module")
def evaluation(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The synthetic team, built once for the module."""
    db = sqlite_copy(_sqlite_template, tmp_path_factory.mktemp("evaluation"))
    build_team(db, PEOPLE, ENDORSED)
    yield db
    db.dispose()


def ranked(db: Database, topic: str, asker: str = ASKER) -> list[str]:
    """Everyone found for `topic`, best first, across every page."""
    with db.read() as s:
        answer = ranking.who_knows(s, TEAM, asker, topic, T0, page=100, evidence=EVIDENCE, known=KNOWN)
    return [p.user_id for p in answer.people]


def evaluate(db: Database, queries: list[tuple[str, dict[str, int]]]) -> tuple[float, list[str]]:
    """The mean reciprocal rank, and what went wrong (misses, irrelevant above relevant, order)."""
    reciprocal = []
    problems = []
    for topic, grades in queries:
        found = ranked(db, topic)
        first = next((i for i, uid in enumerate(found, start=1) if uid in grades), None)
        reciprocal.append(1 / first if first else 0.0)
        irrelevant = [i for i, uid in enumerate(found) if uid not in grades]
        relevant = [i for i, uid in enumerate(found) if uid in grades]
        if irrelevant and relevant and min(irrelevant) < max(relevant):
            problems.append(f"{topic!r}: irrelevant above relevant in {found}")
        if set(grades) - set(found):
            problems.append(f"{topic!r}: missed {sorted(set(grades) - set(found))} in {found}")
        by_grade = [grades[uid] for uid in found if uid in grades]
        if by_grade != sorted(by_grade, reverse=True):
            problems.append(f"{topic!r}: a lesser expert above a greater one in {found}")
    return sum(reciprocal) / len(reciprocal), problems


def test_mean_reciprocal_rank_and_no_irrelevant_person_above_a_relevant_one(evaluation: Database) -> None:
    assert len(PEOPLE) >= 20
    assert len(QUERIES) >= 30
    mrr, problems = evaluate(evaluation, QUERIES)
    print(f"\nexisting tier: MRR {mrr:.3f} over {len(QUERIES)} questions")  # (shown by `pytest -rA`)
    assert not problems, "\n".join(problems)
    assert mrr >= 0.95


@pytest.mark.parametrize("topic", UNKNOWN)
def test_unknown_topics_find_nobody(evaluation: Database, topic: str) -> None:
    assert ranked(evaluation, topic) == []


def test_deactivated_people_and_bots_never_appear_whatever_their_evidence(evaluation: Database) -> None:
    for topic in ("kubernetes", "go", "principal"):
        found = ranked(evaluation, topic)
        assert "U0VIC" not in found
        assert "U0BOT" not in found


def test_evidence_is_explained(evaluation: Database) -> None:
    with evaluation.read() as s:
        answer = ranking.who_knows(s, TEAM, ASKER, "k8s", T0, evidence=EVIDENCE, known=KNOWN)
    ana, ben = answer.people
    assert ana.title == "Staff Site Reliability Engineer"
    endorsed, declared = ana.reasons
    assert endorsed.startswith("endorsed by 3 (")
    assert all(f"<@{uid}>" in endorsed for uid in ("U0BEN", "U0QUINN", "U0WEN"))
    assert declared == "declared"
    assert ben.reasons == ["declared"]
    with evaluation.read() as s:
        answer = ranking.who_knows(s, TEAM, ASKER, "ml", T0, evidence=EVIDENCE, known=KNOWN)
    assert answer.people[1].reasons == ["title “Machine Learning Engineer”"]


def test_nobody_found_suggests_the_nearest_skills_people_have(evaluation: Database) -> None:
    with evaluation.read() as s:
        answer = ranking.who_knows(
            s, TEAM, ASKER, "kubernetes operators sdk", T0, evidence=EVIDENCE, known=KNOWN
        )
        assert [p.user_id for p in answer.people] == ["U0ANA", "U0BEN"]  # found inside the sentence
        answer = ranking.who_knows(s, TEAM, ASKER, "tableu wizardry", T0, evidence=EVIDENCE, known=KNOWN)
        assert answer.people == []
        assert "Tableau" in answer.suggestions
        answer = ranking.who_knows(s, TEAM, ASKER, "scala", T0, evidence=EVIDENCE, known=KNOWN)
        assert answer.people == []
        assert "Java" in answer.suggestions  # related in the skill graph
        answer = ranking.who_knows(s, TEAM, ASKER, "rust", T0, evidence=EVIDENCE, known=KNOWN)
        assert answer.understood.names == ["Rust"]
        assert answer.people == []


def test_pages_follow_one_another(evaluation: Database) -> None:
    with evaluation.read() as s:
        first = ranking.who_knows(
            s, TEAM, ASKER, "python, sql, kubernetes", T0, page=2, evidence=EVIDENCE, known=KNOWN
        )
        second = ranking.who_knows(
            s, TEAM, ASKER, "python, sql, kubernetes", T0, page=2, offset=2, evidence=EVIDENCE, known=KNOWN
        )
        everyone = ranking.who_knows(
            s, TEAM, ASKER, "python, sql, kubernetes", T0, page=50, evidence=EVIDENCE, known=KNOWN
        )
    assert [p.user_id for p in first.people + second.people] == [p.user_id for p in everyone.people][:4]
    assert first.more
    assert not everyone.more


def test_people_the_asker_knows_rank_higher_and_are_marked(evaluation: Database) -> None:
    """The relationship log's hook: Quinn knows the SQL person who came second, and a mutual
    contact (Chloé) could introduce the other one."""
    with evaluation.read() as s:
        plain = [
            p.user_id
            for p in ranking.who_knows(s, TEAM, "U0QUINN", "sql", T0, evidence=EVIDENCE, known=KNOWN).people
        ]
    first, second = plain
    calls: list[tuple[str, int, Sequence[int]]] = []

    def hook(session: Session, team_id: str, asker_id: int, candidates: Sequence[int]) -> Acquaintances:
        calls.append((team_id, asker_id, candidates))
        ids = _ids(session)
        return Acquaintances(known=frozenset({ids[second]}), introducers={ids[first]: ids["U0CHLOE"]})

    with evaluation.read() as s:
        answer = ranking.who_knows(s, TEAM, "U0QUINN", "sql", T0, known=hook, evidence=EVIDENCE)
    top, other = answer.people
    assert (top.user_id, top.known, top.introducer) == (second, True, None)
    assert (other.user_id, other.known, other.introducer) == (first, False, "U0CHLOE")
    ((team_id, asker_id, candidates),) = calls
    assert (team_id, asker_id) == (TEAM, _ids_now(evaluation)["U0QUINN"])
    assert len(candidates) == 2


def test_a_known_person_never_outranks_a_much_stronger_expert(evaluation: Database) -> None:
    def knows_quinn(
        session: Session, team_id: str, asker_id: int, candidates: Sequence[int]
    ) -> Acquaintances:
        return Acquaintances(known=frozenset({_ids(session)["U0QUINN"]}))

    with evaluation.read() as s:
        answer = ranking.who_knows(s, TEAM, "U0ANA", "c++", T0, known=knows_quinn, evidence=EVIDENCE)
    assert [(p.user_id, p.known) for p in answer.people] == [("U0RUI", False), ("U0QUINN", True)]


def test_the_relationship_log_is_wired_in() -> None:
    assert build_registry().known_people is known_people.acquaintances  # by the composition root


def _ids(session: Session) -> dict[str, int]:
    rows = session.execute(select(Member.user_id, Member.id).where(Member.team_id == TEAM))
    return {row.user_id: row.id for row in rows}


def _ids_now(db: Database) -> dict[str, int]:
    with db.read() as s:
        return _ids(s)
