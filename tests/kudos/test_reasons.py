"""A kudos reason wherever it is shown: people it mentions pinged only with their consent and
within the cap, no crowd, no disguised link, `&` escaped once — in the post, the receiver's
digest and `/whoknows`, checked against the directory as it is when shown."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.celebrations import consent
from bot.core import Core
from bot.directory import members
from bot.expertise import ranking
from bot.kudos import giving, posts, reasons, render
from bot.kudos.render import KudosPost
from bot.models import Member
from bot.platform.db import Database
from bot.platform.mrkdwn import Person
from bot.platform.refusals import Refusal
from jobs import JOBS
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, dms, make_core, people
from tests.support.wiring import EVIDENCE, KNOWN

MONDAY_3PM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TUESDAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PING = re.compile(r"<@([UW][A-Z0-9]+)>")


def opt_out(db: Database, *user_ids: str) -> None:
    with db.write() as s:
        for uid in user_ids:
            member = members.find_member(s, TEAM, uid)
            assert member is not None
            member.celebrate_publicly = False


@pytest.mark.parametrize("public", [True, False])
def test_people_are_read_from_the_directory_as_it_is_now(any_db: Database, public: bool) -> None:
    add_members(
        any_db,
        TEAM,
        slack_user("UBOB", real_name="Bob Builder", display_name="bob"),
        slack_user("USHY", real_name="Sam Shy"),
        slack_user("UGONE", real_name="Gone Girl", deleted=True),
        slack_user("ULEFT", real_name="Left Shy", deleted=True),
        slack_user("UBOT", real_name="Deploy Bot", is_bot=True),
    )
    opt_out(any_db, "USHY", "ULEFT")
    with any_db.write() as s:
        members.ensure_member(s, TEAM, "UBARE", MONDAY_3PM)  # seen, not synced yet: no name
        found = reasons.people(
            s, TEAM, ["<@UBOB> <@USHY> <@ULEFT>", "<@UGONE> <@UBOT> <@UBARE> <@UNOBODY>"], public=public
        )
    # In a channel, nobody who opted out of public celebrations is named; in a DM they may be.
    assert found == {
        "UBOB": Person("bob", True),
        "USHY": Person("" if public else "Sam Shy", False),
        "ULEFT": Person("" if public else "Left Shy", False),
        "UGONE": Person("Gone Girl", False),
        "UBOT": Person("Deploy Bot", False),
        "UBARE": Person("", True),  # a colleague who just joined may be thanked and pinged
    }
    text = reasons.shown("<@UBOB> <@USHY> <@ULEFT> <@UGONE> <@UBOT> <@UNOBODY> <@UBARE>", found)
    shy = "someone someone" if public else "Sam Shy Left Shy"
    assert text == f"<@UBOB> {shy} Gone Girl Deploy Bot someone <@UBARE>"


def test_who_may_be_celebrated_is_one_rule_in_sql_and_in_python(any_db: Database) -> None:
    """Posts, questions, kudos receivers and the pings in a reason read one rule
    (`celebrations.consent`), as SQL conditions and for a member already loaded."""
    users = [
        slack_user(f"U{deleted:d}{bot:d}{shy:d}X", deleted=deleted, is_bot=bot)
        for deleted in (False, True)
        for bot in (False, True)
        for shy in (False, True)
    ]
    add_members(any_db, TEAM, *users)
    opt_out(any_db, *(u["id"] for u in users if u["id"][3] == "1"))
    with any_db.read() as s:
        everyone = s.scalars(select(Member).where(Member.team_id == TEAM)).all()
        in_sql = set(s.scalars(select(Member.user_id).where(*consent.public(TEAM))))
    assert in_sql == {m.user_id for m in everyone if consent.celebrated(m)} == {"U000X"}


# -- the receiver's digest ----------------------------------------------------------------------


def give(core: Core, giver: str, text: str) -> None:
    with core.db.write() as s:
        accepted = posts.accept(s, core.settings, TEAM, giver, text, core.clock(), request_id=None)
        assert not isinstance(accepted, Refusal), accepted.text


def digest_text(slack: FakeSlack, user: str) -> str:
    return " ".join(json.dumps(m["blocks"], ensure_ascii=False) for m in dms(slack, user))


def test_the_digest_line_reads_the_reason_as_the_post_does(db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_3PM)
    core = make_core(slack, db, clock)
    crowd = [{"id": f"UP{i:02d}", "real_name": f"Pat {i}"} for i in range(8)]
    people(
        db,
        slack,
        {"id": "UANN"},
        {"id": "UBOB"},
        {"id": "UCAT", "real_name": "Cat Cole"},
        {"id": "USHY", "real_name": "Sam Shy"},
        *crowd,
        now=MONDAY_3PM,
    )
    opt_out(db, "USHY")
    mentioned = " ".join(f"<@{p['id']}|p>" for p in crowd)
    give(
        core,
        "UANN",
        "<@UBOB|bob> for the R&amp;D demo &lt;3 with <@UCAT|cat>, <@USHY|sam>, <!here> "
        f"<https://evil.example/login|okta.company.com> and {mentioned}",
    )
    opt_out(db, "UCAT")  # after the kudos, before the digest
    JOBS["nudges"](core, clock())
    clock.set(TUESDAY_9AM)
    JOBS["nudges"](core, clock())
    text = digest_text(slack, "UBOB")
    assert (
        "<@UANN> gave you kudos for the R&amp;D demo &lt;3 with Cat Cole, Sam Shy, "
        "<https://evil.example/login> and <@UP00> <@UP01> <@UP02> <@UP03> <@UP04> Pat 5 Pat 6 Pat 7"
    ) in text
    assert "&amp;amp;" not in text
    assert "<!" not in text


# -- /whoknows ---------------------------------------------------------------------------------


def test_whoknows_quotes_a_reason_escaped_once_pinging_nobody(any_db: Database) -> None:
    add_members(any_db, TEAM, slack_user("UALICE"), slack_user("UBOB"), slack_user("UCAROL"))
    with any_db.write() as s:
        given_ = giving.give(
            s,
            TEAM,
            "UALICE",
            "<@UBOB> for R&amp;D on k8s with <@UCAROL> <https://evil.example|okta.company.com>",
            MONDAY_3PM,
        )
        assert isinstance(given_, giving.Given)
        giving.settle(s, given_.kudos, evidence=EVIDENCE)
    with any_db.read() as s:
        answer = ranking.who_knows(
            s, TEAM, "UCAROL", "kubernetes", MONDAY_3PM, evidence=EVIDENCE, known=KNOWN
        )
    (bob,) = answer.people
    (why,) = [r for r in bob.reasons if r.startswith("kudos")]
    assert why == "kudos from <@UALICE> for “R&amp;D on k8s with someone <https://evil.example>”"


# -- any text at all -----------------------------------------------------------------------------

PEOPLE = {
    "UBOB": Person("Bob", True),
    "UCAROL": Person("Carol", True),
    "USHY": Person("Sam", False),
    "UGONE": Person("Gone", False),
    **{f"UP{i:02d}": Person(f"Pat {i}", True) for i in range(12)},
}
_PIECES = st.sampled_from(
    [
        " ", " for ", "thanks ", "R&amp;D", "&", "&lt;", "&gt;", "<", ">", "okta.company.com", "<@UBOB|bob>",
        "<@UCAROL>", "<@USHY|sam>", "<@UGONE>", "<@UNOBODY>", "<!channel>", "<!here|here>",
        "<!subteam^S1|@eng>", "<https://evil.example/login|okta.company.com>", "<https://x|<!channel>>",
        "<https://github.com/x|github.com>", "<mailto:a@b.c|a@b.c>", "<mailto:t@evil.example|it@corp.com>",
    ]
)  # fmt: skip
_TEXTS = st.lists(
    st.one_of(_PIECES, st.integers(0, 11).map(lambda i: f"<@UP{i:02d}>"), st.text(max_size=6)), max_size=50
).map("".join)


@given(_TEXTS, st.integers(1, 8))
def test_any_kudos_text_posts_no_ping_without_consent_and_no_disguised_link(text: str, kudos_id: int) -> None:
    parsed = giving.parse(text)
    if isinstance(parsed, Refusal):
        return
    receivers = [u for u in parsed.receivers if PEOPLE.get(u, Person("", False)).pingable]
    if not receivers:
        return  # (refused when given: nobody here may be thanked)
    why = reasons.shown(parsed.reason, PEOPLE, pinged=["UALICE", *receivers], limit=posts.REASON_SHOWN)
    post = render.kudos_post(KudosPost(kudos_id, "UALICE", receivers, why, parsed.quoted))
    message = post["blocks"][0]["text"]["text"] + post["text"]
    pings = set(PING.findall(message))
    assert pings <= {"UALICE", *receivers} | {u for u, p in PEOPLE.items() if p.pingable}
    assert len(pings - {"UALICE", *receivers}) <= reasons.MAX_MENTIONS
    assert "<!" not in message
    assert "|>" not in message
    assert "| >" not in message
    assert "okta.company.com>" not in message  # never a label of a link elsewhere
    assert "it@corp.com" not in message
    assert "&amp;amp;" not in message or "&amp;amp;" in text


@pytest.mark.parametrize("reason", ["R&amp;D", "a &lt;b&gt; tag", "fish &amp; chips &amp;amp; more"])
def test_a_stored_reason_is_what_slack_sent(reason: str) -> None:
    parsed = giving.parse(f"<@UBOB> for {reason}")
    assert not isinstance(parsed, Refusal)
    assert parsed.reason == reason
    assert reasons.shown(parsed.reason, PEOPLE) == reason
