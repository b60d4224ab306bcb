"""`/skills add` says what it merged: other names for one curated skill are stored once, and the
answer names each way it was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.expertise.names import Vocabulary, parse_skills
from bot.models import Member
from bot.models.expertise import DECLARED, MemberSkill
from bot.models.expertise import Skill as SkillRow
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TEAM, ANN = "T0001", "U0ANN"


@pytest.fixture
def app(rapport: Served) -> Served:
    add_members(rapport.core.db, TEAM, slack_user(ANN))
    return rapport


def say(app: Served, text: str) -> str:
    return app.http.answer("/skills", text, user_id=ANN, team_id=TEAM)


def declared(app: Served) -> list[str]:
    with app.core.db.read() as s:
        rows = s.scalars(
            select(SkillRow.label)
            .join(MemberSkill, MemberSkill.skill_id == SkillRow.id)
            .join(Member, Member.id == MemberSkill.member_id)
            .where(Member.user_id == ANN, MemberSkill.source == DECLARED)
            .order_by(SkillRow.label)
        )
        return list(rows)


@pytest.mark.parametrize(
    ("text", "label", "renamed"),
    [
        ("Jenkins, CI", "CI/CD", ["Jenkins", "CI"]),
        ("jenkins, ci, cicd, Jenkins", "CI/CD", ["jenkins", "ci", "cicd"]),
        ("k8s, kubernetes", "Kubernetes", ["k8s"]),
        ("kubernetes, Kubernetes", "Kubernetes", []),
        ("ci/cd; github actions", "CI/CD", ["github actions"]),
    ],
)
def test_other_names_for_one_skill_are_merged(text: str, label: str, renamed: list[str]) -> None:
    (named,) = parse_skills(text, Vocabulary()).named
    assert (named.label, named.renamed) == (label, renamed)


@pytest.mark.parametrize(
    ("text", "says", "stored"),
    [
        ("Jenkins, CI", "*CI/CD* (“Jenkins” and “CI” are stored as CI/CD)", ["CI/CD"]),
        (
            "add k8s, jenkins, ci",
            "*Kubernetes* (you typed “k8s”), *CI/CD* (“jenkins” and “ci” are stored as CI/CD)",
            None,
        ),
        ("golang", "*Go* (you typed “golang”)", ["Go"]),
        ("python, Python", "Added to your skills: *Python*.", ["Python"]),
    ],
)
def test_skills_add_says_what_it_merged_over_http(
    app: Served, text: str, says: str, stored: list[str] | None
) -> None:
    answer = say(app, text if text.startswith("add ") else f"add {text}")
    assert says in answer
    assert declared(app) == (stored if stored is not None else ["CI/CD", "Kubernetes"])
