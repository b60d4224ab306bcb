"""A mistyped subcommand is answered with the one it was probably meant as, over HTTP."""

from __future__ import annotations

import pytest

from bot.expertise import commands
from bot.help.catalog import RAPPORT_WORDS, did_you_mean
from handlers.rapport import SUBCOMMANDS, _split
from tests.support.fixtures import Served


def say(rapport: Served, command: str, text: str) -> str:
    response = rapport.http.command(command, text, user_id="UADA", team_id=rapport.slack.team_id)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


def test_the_words_suggested_are_the_words_routed() -> None:
    assert set(RAPPORT_WORDS) == set(SUBCOMMANDS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hlep", "help"),
        ("HELP", "help"),
        ("setings", "settings"),
        ("settigns", "settings"),
        ("bithday", "birthday"),
        ("birthdya", "birthday"),
        ("keep-in-tuch", "keep-in-touch"),
        ("histroy", "history"),
        ("privcy", "privacy"),
        ("xyzzy", None),
        ("he", None),
        ("go", None),
        ("", None),
        ("settingsettingsettings", None),
    ],
)
def test_did_you_mean(typed: str, meant: str | None) -> None:
    assert did_you_mean(typed, RAPPORT_WORDS) == meant


@pytest.mark.parametrize(
    ("text", "word", "rest"),
    [
        ("keep in touch with <@UERIN01> every 6 weeks", "keep-in-touch", "with <@UERIN01> every 6 weeks"),
        ("Keep  In\tTouch <@UERIN01> monthly", "keep-in-touch", "<@UERIN01> monthly"),
        ("keep-in-touch <@UERIN01> stop", "keep-in-touch", "<@UERIN01> stop"),
        ("keep_in_touch", "keep-in-touch", ""),
        ("keeping in touch", "keeping", "in touch"),
        ("bday Dec 9", "birthday", "Dec 9"),
        ("birthday\nDec 9", "birthday", "Dec 9"),
        ("help", "help", ""),
        ("", "", ""),
    ],
)
def test_subcommands_as_people_type_them(text: str, word: str, rest: str) -> None:
    assert _split({"text": text}) == (word, rest)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("hlep", "I don't know `hlep`. Did you mean `/rapport help`?"),
        ("setings", "I don't know `setings`. Did you mean `/rapport settings`?"),
        ("bithday 12-09", "I don't know `bithday`. Did you mean `/rapport birthday`?"),
        ("keepintuch <@UERIN01>", "I don't know `keepintuch`. Did you mean `/rapport keep-in-touch`?"),
    ],
)
def test_rapport_suggests_the_subcommand_over_http(rapport: Served, text: str, answer: str) -> None:
    assert say(rapport, "/rapport", text).startswith(answer)


def test_a_word_like_no_subcommand_gets_the_usage(rapport: Served) -> None:
    answer = say(rapport, "/rapport", "frobnicate <!channel>")
    assert answer.startswith("I don't know `frobnicate`.")
    assert "Did you mean" not in answer
    assert "`/rapport help`" in answer  # the usage follows
    assert "<!channel>" not in answer


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("ad python", "/skills add python"),
        ("ADD", None),
        ("adda k8s, terraform", "/skills add k8s, terraform"),
        ("rmove terraform", "/skills remove terraform"),
        ("remve <@UBOB001> go", "/skills remove go"),
        ("acept tax law", "/skills accept tax law"),
        ("hepl", "/skills help"),
        ("helm", None),  # a skill, not a typo of help
        ("python", None),
    ],
)
def test_skills_suggests_the_verb(text: str, meant: str | None) -> None:
    request = commands.parse_skills(text)
    said = request.refused.text if request.refused else ""
    if meant is None:
        assert "Did you mean" not in said
    else:
        assert request.action == "help"
        assert said == f"I don't know `{text.split()[0]}`. Did you mean `{meant}`?"


def test_skills_suggests_the_verb_over_http(rapport: Served) -> None:
    assert say(rapport, "/skills", "ad python") == "I don't know `ad`. Did you mean `/skills add python`?"
    assert "start with `add`" in say(rapport, "/skills", "python")
