"""Skill names: normalising, the curated alias table, matching topics, and reading the commands."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.expertise import commands
from bot.expertise.names import Skill, Vocabulary, catalog, normalise, parse_skills, stem, understand
from bot.expertise.titles import title_skills


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  K8S ", "k8s"),
        ("Kubernetes", "kubernetes"),
        ("Node.JS.", "node.js"),
        ("C++,", "c++"),
        ("c#", "c#"),
        ("C#!", "c#"),
        (".NET", ".net"),
        ("(.net)", ".net"),
        ("ASP.NET", "asp.net"),
        ("CI/CD", "ci/cd"),
        ("A/B testing", "a/b testing"),
        ("R&amp;D", "r&d"),  # Slack escapes & in command text
        ("front-end", "front end"),
        ("Objective-C", "objective c"),
        ("Machine   Learning!", "machine learning"),
        ("...kubernetes", "kubernetes"),
        ("*kubernetes*", "kubernetes"),
        ("`terraform`", "terraform"),
        ("people's skills", "peoples skills"),
        ("Español", "español"),
        ("日本語", "日本語"),
        ("🎉🎉", ""),
        ("", ""),
        ("'; DROP TABLE member; --", "drop table member"),
    ],
)
def test_normalise(typed: str, key: str) -> None:
    assert normalise(typed) == key


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (("engineering", "engineer", "engineers"), True),
        (("designer", "design", "designing"), True),
        (("testing", "tests", "tester"), True),
        (("recruiting", "recruiter", "recruitment"), True),
        (("management", "manager", "managing"), True),
        (("go", "going"), False),  # short words are never stemmed
        (("c++", "c"), False),
    ],
)
def test_stemming_joins_inflections_only(words: tuple[str, ...], same: bool) -> None:
    assert (len({stem(w) for w in words}) == 1) is same


def test_the_curated_table_covers_at_least_150_skills_in_every_area() -> None:
    table = catalog()
    assert len(table.skills) >= 150
    areas = Counter(skill.area for skill in table.skills.values())
    for area in ("engineering", "data", "design", "product", "sales", "people"):
        assert areas[area] >= 10, areas


@pytest.mark.parametrize(
    ("alias", "label"),
    [
        ("k8s", "Kubernetes"),
        ("js", "JavaScript"),
        ("ml", "Machine learning"),
        ("golang", "Go"),
        ("postgres", "PostgreSQL"),
        ("gcp", "Google Cloud"),
        ("react.js", "React"),
        ("continuous integration", "CI/CD"),
        ("dotnet", ".NET"),
        ("cpp", "C++"),
        ("csharp", "C#"),
        ("nodejs", "Node.js"),
        ("sre", "Site reliability engineering"),
        ("ux research", "User research"),
        ("sfdc", "Salesforce"),
        ("talent acquisition", "Recruiting"),
        ("hrbp", "Human resources"),
        ("pm", "Product management"),
        ("machinelearning", "Machine learning"),  # without the space
        ("site reliability engineers", "Site reliability engineering"),  # by stem
    ],
)
def test_aliases_map_to_canonical_skills(alias: str, label: str) -> None:
    table = catalog()
    canonical = table.canonical(normalise(alias))
    assert canonical is not None
    assert table.label(canonical) == label


def test_every_canonical_name_is_its_own_alias_and_no_alias_is_shared() -> None:
    table = catalog()
    for key in table.skills:
        assert table.canonical(key) == key
    # Catalog.from_entries refuses an alias of two skills; the shipped table loaded, so none is.
    assert len(table.aliases) > 2 * len(table.skills)


def _vocab(*names: str) -> Vocabulary:
    table = catalog()
    skills = []
    for i, name in enumerate(names, start=1):
        key = table.canonical(normalise(name)) or normalise(name)
        skills.append(Skill(i, key, table.label(key) or name))
    return Vocabulary(skills)


TEAM = _vocab(
    "Kubernetes",
    "Go",
    "Google Cloud",
    "C++",
    "C#",
    "Java",
    "JavaScript",
    "Terraform",
    "Python",
    "Machine learning",
    "Site reliability engineering",
    "Acme billing",
)


@pytest.mark.parametrize(
    ("topic", "labels", "corrected"),
    [
        ("kubernetes", ["Kubernetes"], False),
        ("K8S", ["Kubernetes"], False),
        ("kuberntes", ["Kubernetes"], True),
        ("terrafrom", ["Terraform"], True),
        ("pyhton", ["Python"], True),
        ("go", ["Go"], False),
        ("golang", ["Go"], False),
        ("gcp", ["Google Cloud"], False),
        ("google cloud", ["Google Cloud"], False),
        ("c++", ["C++"], False),
        ("c#", ["C#"], False),
        ("java", ["Java"], False),
        ("js", ["JavaScript"], False),
        ("ml", ["Machine learning"], False),
        ("site reliability engineer", ["Site reliability engineering"], False),
        ("ACME Billing", ["Acme billing"], False),
        ("kubernetes and terraform", ["Kubernetes", "Terraform"], False),
        ("kubernetes, go", ["Kubernetes", "Go"], False),
        ("someone who knows terraform well", ["Terraform"], False),
        ("kubernetes/terraform", ["Kubernetes", "Terraform"], False),
        ("CI/CD", [], False),  # one name, which nobody here has
    ],
)
def test_topics_are_understood(topic: str, labels: list[str], corrected: bool) -> None:
    understood = understand(topic, TEAM)
    assert [s.label for s in understood.skills] == labels
    assert understood.corrected is corrected


@pytest.mark.parametrize(
    ("topic", "never"),
    [
        ("go", "Google Cloud"),
        ("goo", "Google Cloud"),
        ("c++", "C#"),
        ("c#", "C++"),
        ("c", "C++"),
        ("java", "JavaScript"),
        ("javascript", "Java"),
        ("rust", "Terraform"),
    ],
)
def test_short_terms_stay_honest(topic: str, never: str) -> None:
    assert never not in [s.label for s in understand(topic, TEAM).skills]


def test_a_known_skill_nobody_has_is_named_not_corrected() -> None:
    understood = understand("rust", TEAM)  # a real skill, close to nothing: no typo fix
    assert understood.skills == []
    assert understood.names == ["Rust"]


def test_nonsense_is_understood_as_nothing() -> None:
    understood = understand("underwater basket weaving", TEAM)
    assert understood.skills == []
    assert understood.names == []


def test_nearest_suggests_skills_sharing_words_or_spelling() -> None:
    assert [s.label for s in TEAM.nearest("kubernetes operators")] == ["Kubernetes"]
    assert [s.label for s in TEAM.nearest("acme invoices")] == ["Acme billing"]
    assert TEAM.nearest("go") == []


@pytest.mark.parametrize(
    ("text", "stored", "rejected"),
    [
        ("k8s, Terraform; golang", ["Kubernetes", "Terraform", "Go"], []),
        ("python sql docker", ["Python", "SQL", "Docker"], []),  # known words without commas
        ("python/sql", ["Python", "SQL"], []),
        ("ci/cd, ui/ux", ["CI/CD", "Product design"], []),
        ("machine learning", ["Machine learning"], []),
        ("K8s, kubernetes, Kubernetes", ["Kubernetes"], []),  # one skill, stored once
        ("kuberntes", ["Kubernetes"], []),  # a typo of a known name is corrected
        ("acme billing", ["Acme billing"], []),  # the team's own skill, whatever the case
        ("Payments reconciliation", ["Payments reconciliation"], []),  # a new skill, as typed
        ("🎉, python", ["Python"], ["🎉"]),
        ("x" * 100, [], ["x" * 60]),
        ("one two three four five six seven", [], ["one two three four five six seven"]),
    ],
)
def test_skill_lists(text: str, stored: list[str], rejected: list[str]) -> None:
    parsed = parse_skills(text, TEAM)
    assert [n.label for n in parsed.named] == stored
    assert parsed.rejected == rejected


def test_a_typed_alias_is_remembered_to_say_how_it_was_stored() -> None:
    (named,) = parse_skills("k8s", TEAM).named
    assert (named.typed, named.label) == ("k8s", "Kubernetes")


@pytest.mark.parametrize(
    ("title", "skills"),
    [
        ("Senior Site Reliability Engineer", ["site reliability engineering"]),
        ("Staff Software Engineer", ["software engineering"]),
        ("Principal Data Scientist", ["data science"]),
        ("Security Engineer", ["security"]),
        ("Account Executive", ["sales"]),
        ("Recruiter", ["recruiting"]),
        ("HR Business Partner", ["human resources"]),
        ("VP Sales & Partnerships", ["sales", "partnerships"]),
        ("Go-to-market lead", ["go to market"]),
        ("Head of People", []),
        ("", []),
    ],
)
def test_skills_named_in_titles(title: str, skills: list[str]) -> None:
    assert title_skills(title) == skills


@pytest.mark.parametrize(
    ("text", "action", "rest"),
    [
        ("", "mine", ""),
        ("add kubernetes, terraform", "add", "kubernetes, terraform"),
        ("ADD\nkubernetes", "add", "kubernetes"),
        ("remove terraform", "remove", "terraform"),
        ("rm terraform", "remove", "terraform"),
        ("<@U123|ana>", "theirs", "U123"),
        ("add", "help", ""),
        ("add <!channel>", "help", ""),
        ("kubernetes", "help", ""),
        ("help", "help", ""),
        ("<!here>", "mine", ""),
    ],
)
def test_parse_skills_command(text: str, action: str, rest: str) -> None:
    request = commands.parse_skills(text)
    assert request.action == action
    assert (request.user_id if action == "theirs" else request.text) == rest


@pytest.mark.parametrize(
    ("text", "people", "skills", "problem"),
    [
        ("<@U0A1|ana> kubernetes, terraform", ["U0A1"], "kubernetes, terraform", False),
        ("<@U0A1|ana> for kubernetes", ["U0A1"], "kubernetes", False),
        ("<@U0A1> <@U0B2> go", ["U0A1", "U0B2"], "go", False),
        ("kubernetes", [], "", True),
        ("<@U0A1|ana>", ["U0A1"], "", True),
        ("<@U0A1|ana> <!channel>", ["U0A1"], "", True),
        ("", [], "", True),
    ],
)
def test_parse_endorse_command(text: str, people: list[str], skills: str, problem: bool) -> None:
    request = commands.parse_endorse(text)
    assert request.people == people
    assert request.text == skills
    assert (request.refused is not None) is problem


@pytest.mark.parametrize(
    ("text", "topic", "problem"),
    [
        ("kubernetes", "kubernetes", False),
        ("  k8s  ", "k8s", False),
        ("<!channel> kubernetes", "kubernetes", False),
        ("", "", False),
        ("<@U0A1|ana>", "", True),
        ("🎉", "", False),
        ("x" * 5000, "x" * commands.MAX_TOPIC, False),
    ],
)
def test_parse_topic(text: str, topic: str, problem: bool) -> None:
    request = commands.parse_topic(text)
    assert request.topic == topic
    assert (request.refused is not None) is problem
