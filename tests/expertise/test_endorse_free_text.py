"""`/endorse @bob for his great python work`: the skills free text names, found the way kudos
reasons are read (`commands.skill_keys`); a phrase naming none is refused with a hint, never
stored as a skill; a comma list still names skills explicitly (unknown ones wait for consent)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.expertise import commands
from bot.expertise.names import Skill, Vocabulary
from bot.models import Member
from bot.models.expertise import Endorsement
from bot.models.expertise import Skill as SkillRow
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TEAM = "T0001"
ANN, BOB, CAROL = "U0ANN", "U0BOB", "U0CAROL"


@pytest.fixture
def app(rapport: Served) -> Served:
    users = [slack_user(uid) for uid in (ANN, BOB, CAROL)]
    add_members(rapport.core.db, TEAM, *users)
    for user in users:
        rapport.slack.add_user(user["id"])
    return rapport


def say(app: Served, text: str, user: str = ANN, name: str = "/endorse") -> str:
    return app.http.answer(name, text, user_id=user, team_id=TEAM)


def endorsements(app: Served) -> set[tuple[str, str, str]]:
    """(endorsee, skill label, status) of every endorsement stored."""
    with app.core.db.read() as s:
        rows = s.execute(
            select(Member.user_id, SkillRow.label, Endorsement.status)
            .join(Member, Member.id == Endorsement.endorsee_id)
            .join(SkillRow, SkillRow.id == Endorsement.skill_id)
        )
        return {(user_id, label, status) for user_id, label, status in rows}


def skill_labels(app: Served) -> set[str]:
    with app.core.db.read() as s:
        return set(s.scalars(select(SkillRow.label)))


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("<@U0BOB> for his great python work", True),
        ("<@U0BOB> for being nice", True),
        ("<@U0BOB> for tax law", True),
        ("<@U0BOB> his great python work", True),  # worded like a sentence
        ("<@U0BOB> thanks for the k8s migration", True),
        ("<@U0BOB> python, terraform", False),
        ("<@U0BOB> for python, terraform", False),  # a list, even after "for"
        ("<@U0BOB> tax law", False),
        ("<@U0BOB> python sql docker", False),
        ("<@U0BOB> tax fraud, sleeping at work", False),
    ],
)
def test_free_text_or_a_list(text: str, free: bool) -> None:
    assert commands.parse_endorse(text).free is free


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("for his great python work", ["python"]),
        ("for all the k8s and Terraform help", ["kubernetes", "terraform"]),
        ("thanks for untangling our golang build pipelines", ["go", "ci/cd"]),
        ("for being nice", []),
        ("for <@U0CAROL>'s python review, see <https://example.com/kubernetes|the doc>", ["python"]),
    ],
)
def test_the_one_reading_of_skills_in_free_text(text: str, keys: list[str]) -> None:
    assert commands.skill_keys(text) == keys


def test_the_workspaces_own_skills_are_found_too() -> None:
    vocab = Vocabulary([Skill(1, "acme billing", "Acme Billing"), Skill(2, "python", "Python")])
    found = commands.named_in("for untangling acme billing in python", vocab)
    assert [(n.key, n.label, n.existing is not None) for n in found] == [
        ("python", "Python", True),
        ("acme billing", "Acme Billing", True),
    ]


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (f"<@{BOB}|bob> for his great python work", ["Python"]),
        (f"<@{BOB}> for all the k8s and terraform help", ["Kubernetes", "Terraform"]),
        (f"<@{BOB}> thanks for untangling our golang build pipelines", ["Go", "CI/CD"]),
        (f"<@{BOB}> for python, terraform", ["Python", "Terraform"]),
        (f"<@{BOB}> python, terraform", ["Python", "Terraform"]),
    ],
)
def test_endorsing_in_your_own_words_over_http(app: Served, text: str, labels: list[str]) -> None:
    answer = say(app, text)
    bold = ", ".join(f"*{label}*" for label in labels)
    assert answer.startswith(f"Thanks — you endorsed <@{BOB}> for {bold}.")
    assert endorsements(app) == {(BOB, label, "shown") for label in labels}


@pytest.mark.parametrize("phrase", ["being nice", "tax law", "always being there for us"])
def test_free_text_naming_no_skill_is_refused_with_a_hint(app: Served, phrase: str) -> None:
    before = skill_labels(app)
    answer = say(app, f"<@{BOB}|bob> for {phrase}")
    assert answer == f"I couldn't find a skill in “{phrase}”. Name it, like `/endorse <@{BOB}> python`."
    assert endorsements(app) == set()
    assert skill_labels(app) == before  # nothing stored as a skill, not even unlisted


def test_a_skill_the_workspace_declared_counts_from_free_text_with_consent(app: Served) -> None:
    say(app, "add acme billing", user=CAROL, name="/skills")
    say(app, "add acme billing", user=BOB, name="/skills")
    assert say(app, f"<@{BOB}> for fixing acme billing").startswith(
        f"Thanks — you endorsed <@{BOB}> for *acme billing*."
    )
    say(app, f"<@{CAROL}> for her acme billing work", user=BOB)
    assert endorsements(app) == {(BOB, "acme billing", "shown"), (CAROL, "acme billing", "shown")}


def test_unknown_skills_named_in_a_list_still_wait_for_consent(app: Served) -> None:
    answer = say(app, f"<@{BOB}> tax law, python")
    assert answer.startswith(f"Thanks — you endorsed <@{BOB}> for *tax law*, *Python*.")
    assert endorsements(app) == {(BOB, "tax law", "held"), (BOB, "Python", "shown")}


def test_html_escaped_text_is_quoted_as_typed(app: Served) -> None:
    answer = say(app, f"<@{BOB}> for being a &lt;hero&gt; &amp; a friend")
    assert answer.startswith("I couldn't find a skill in “being a &lt;hero&gt; &amp; a friend”.")  # once
