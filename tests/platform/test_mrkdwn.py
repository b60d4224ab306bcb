"""Slack's markup in user text: escaped exactly once, no crowd pinged, nobody pinged without
consent or beyond the cap, and no link whose label names somewhere else."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.platform.mrkdwn import Person, canonical, escape_once, unescape, user_text

PEOPLE = {
    "UBOB": Person("Bob", True),
    "UCAROL": Person("Carol", True),
    "W0ENT": Person("Enterprise Erin", True),
    "USHY": Person("Shy <Person> & co", False),  # a name is raw text: escaped when shown
    "UGONE": Person("Gone", False),
    "UBOT": Person("rapport", False),
    "UBARE": Person("", False),
    **{f"UP{i:02d}": Person(f"P{i}", True) for i in range(30)},
}


def shown(text: str, **kw: object) -> str:
    return user_text(canonical(text), PEOPLE, **kw)  # type: ignore[arg-type]


# -- what Slack would make of a message: an independent reading ---------------------------------

_MARKUP = re.compile(r"<([^<>]*)>")
_HOST = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)*\.(?:[^\W\d_]{2,}|xn--[\w-]+)(?![\w-])")


def _hosts_read_in(label: str) -> set[str]:
    """Hosts a reader sees in a label (ignoring invisible characters and look-alike dots)."""
    text = unicodedata.normalize("NFKC", unescape(label)).replace("\u3002", ".")
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").casefold()
    return {h.removeprefix("www.") for h in _HOST.findall(text)}


def _target_host(target: str) -> str:
    raw = unescape(target)
    if raw.lower().startswith("mailto:"):
        return raw.split("@")[-1].split("?")[0].casefold()
    host = urlsplit(raw).hostname
    assert host, target
    return host.removeprefix("www.")


def slack_reads(text: str) -> dict[str, list[str]]:
    """The pings, channels and links Slack would render in `text`, checking it is well formed:
    no broadcast or other markup, no nesting, no empty label, and `&` escaped once."""
    read: dict[str, list[str]] = {"pings": [], "channels": [], "links": []}
    for outside in _MARKUP.split(text)[::2]:
        assert "<" not in outside
        assert ">" not in outside
        assert re.fullmatch(r"(?:[^&]|&amp;|&lt;|&gt;)*", outside), outside
    for token in _MARKUP.findall(text):
        target, bar, label = token.partition("|")
        if target.startswith("@"):
            assert re.fullmatch(r"@[UW][A-Z0-9]+", token), token
            read["pings"].append(target[1:])
        elif target.startswith("#"):
            assert re.fullmatch(r"#C[A-Z0-9]+", token), token
            read["channels"].append(target[1:])
        else:
            assert re.match(r"(?:https?://|mailto:)", target, re.I), token
            if bar:
                assert label.strip(), f"empty label in {token}"
                assert re.fullmatch(r"(?:[^&]|&amp;|&lt;|&gt;)*", label), token
                assert _hosts_read_in(label) <= {_target_host(target)}, f"disguised link {token}"
                if target.lower().startswith("mailto:"):
                    emails = re.findall(r"[\w.+'-]+@[\w.-]+", unescape(label).casefold())
                    assert all(e == unescape(target)[7:].casefold() for e in emails), token
            read["links"].append(token)
    return read


# -- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slack_sent", "kept"),
    [
        ("R&amp;D", "R&amp;D"),  # "R&D" as Slack sends it: shown as R&D, never R&amp;amp;D
        ("R&D", "R&amp;D"),  # a stray & (not Slack's own escaping) is escaped
        ("&lt;3 &gt; 2", "&lt;3 &gt; 2"),
        ("a < b > c", "a &lt; b &gt; c"),
        ("&amp;amp; is how you write &amp;", "&amp;amp; is how you write &amp;"),  # typed literally
        ("<b>bold</b> & <i>", "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;"),
        ("&quot;quoted&quot;", "&amp;quot;quoted&amp;quot;"),  # Slack escapes only &, < and >
    ],
)
def test_text_is_escaped_exactly_once(slack_sent: str, kept: str) -> None:
    assert canonical(slack_sent) == kept
    assert shown(slack_sent) == kept
    assert escape_once(kept) == kept


def test_unescape_reads_one_level() -> None:
    assert unescape("R&amp;D &amp;lt; &lt;b&gt;") == "R&D &lt; <b>"


# -- mentions ----------------------------------------------------------------------------------


def test_only_people_who_agree_are_pinged_and_everyone_else_is_named() -> None:
    text = shown(
        "pairing with <@UBOB|bob>, <@USHY|shy>, <@UGONE>, <@UBOT|rapport>, <@UBARE>, <@UNOBODY|ceo> "
        "and <@W0ENT|erin>",
        max_pings=5,
    )
    assert text == (
        "pairing with <@UBOB>, Shy &lt;Person&gt; &amp; co, Gone, rapport, someone, someone and <@W0ENT>"
    )


def test_a_label_never_names_anyone() -> None:
    assert shown("<@UNOBODY|the CEO> <@USHY|bob>") == "someone Shy &lt;Person&gt; &amp; co"


def test_nobody_is_pinged_twice_by_one_text() -> None:
    assert shown("<@UBOB> and <@UBOB|bob> again", max_pings=5) == "<@UBOB> and Bob again"


def test_pings_beyond_the_cap_are_names_and_those_pinged_anyway_do_not_count() -> None:
    many = " ".join(f"<@UP{i:02d}>" for i in range(8))
    text = shown(f"<@UBOB> {many}", pinged={"UBOB"}, max_pings=5)
    assert slack_reads(text)["pings"] == ["UBOB", "UP00", "UP01", "UP02", "UP03", "UP04"]
    assert text.endswith("P5 P6 P7")
    assert slack_reads(shown(many))["pings"] == []  # no pings at all unless allowed


# -- broadcasts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broadcast",
    ["<!channel>", "<!here>", "<!here|here>", "<!everyone>", "<!subteam^S0123|@eng>", "<!channel|@channel>"],
)
def test_broadcasts_never_survive(broadcast: str) -> None:
    for text in (f"calm {broadcast} under fire", f"<https://ok.example|{broadcast}>", broadcast):
        out = shown(text, max_pings=5)
        assert "<!" not in out
        assert "channel" not in out.replace("calm", "")
        slack_reads(out)
    assert shown(f"calm {broadcast} under fire") == "calm under fire"


def test_a_date_keeps_its_fallback_text() -> None:
    assert shown("since <!date^1392734382^{date}|Feb 18th>") == "since Feb 18th"


# -- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "posted"),
    [
        # a label that names another host shows the real target
        ("<https://evil.example/login|okta.company.com>", "<https://evil.example/login>"),
        ("<https://evil.example/login|https://okta.company.com/login>", "<https://evil.example/login>"),
        ("<https://evil.example|log in at okta.company.com please>", "<https://evil.example>"),
        ("<https://evil.example|OKTA.Company.COM>", "<https://evil.example>"),
        ("<https://evil.example|okta\u200b.company\u200b.com>", "<https://evil.example>"),  # zero-width
        ("<https://evil.example|okta\uff0ecompany\u3002com>", "<https://evil.example>"),  # look-alike dots
        ("<https://evil.example|\u202emoc.atko>", "<https://evil.example>"),  # right-to-left
        ("<https://evil.example|10.0.0.1>", "<https://evil.example>"),
        ("<https://evil.example|support@okta.com>", "<https://evil.example>"),
        ("<https://okta.com.evil.example|okta.com>", "<https://okta.com.evil.example>"),
        ("<https://evil.example@okta.com|evil.example>", "<https://evil.example@okta.com>"),
        ("<mailto:thief@evil.example|it@company.com>", "<mailto:thief@evil.example|thief@evil.example>"),
        ("<mailto:thief@company.com|boss@company.com>", "<mailto:thief@company.com|thief@company.com>"),
        ("<mailto:a@b.c|company.com>", "<mailto:a@b.c|a@b.c>"),
        # a label that names where the link goes, or no host at all, is kept
        ("<https://github.com/org/repo|github.com>", "<https://github.com/org/repo|github.com>"),
        ("<https://www.github.com/x|github.com>", "<https://www.github.com/x|github.com>"),
        ("<https://github.com/x|https://github.com/y>", "<https://github.com/x|https://github.com/y>"),
        ("<https://example.com/x|the design doc>", "<https://example.com/x|the design doc>"),
        ("<mailto:a@b.c|a@b.c>", "<mailto:a@b.c|a@b.c>"),
        ("<mailto:help@it.example|the help desk>", "<mailto:help@it.example|the help desk>"),
        ("<https://x.example/?a=1&amp;b=2|R&amp;D wiki>", "<https://x.example/?a=1&amp;b=2|R&amp;D wiki>"),
        ("<https://example.com>", "<https://example.com>"),
        # a label that is empty once cleaned, or nested markup, never makes an empty-label link
        ("<https://x|<!channel>>", "<https://x>"),
        ("<https://x| >", "<https://x>"),
        ("<https://x|<@UBOB>>", "<https://x>"),
        ("<https://x|see <!here> this>", "<https://x|see this>"),
        ("<https://x|<https://evil.example|okta.com>>", "<https://x>"),
        # not a link Slack makes: plain, inert text
        ("<javascript:alert(1)|okta.com>", "&lt;javascript:alert(1)|okta.com&gt;"),
        ("<https://|okta.com>", "&lt;https://|okta.com&gt;"),
        ("<<https://evil.example|okta.com>|x>", "&lt;<https://evil.example>|x&gt;"),
    ],
)
def test_links_show_where_they_go(typed: str, posted: str) -> None:
    assert shown(typed) == posted
    slack_reads(shown(typed))


# -- one form kept, shown the same way every time ---------------------------------------------


def test_canonical_keeps_markup_tidy_and_is_stable() -> None:
    typed = "for <@UBOB|bob> in <#C0123|ops> &amp; <https://x.example|<!here> docs> <!channel> R&D"
    kept = canonical(typed)
    assert kept == "for <@UBOB> in <#C0123> &amp; <https://x.example|docs> R&amp;D"
    assert canonical(kept) == kept


def test_a_limit_cuts_between_pieces_of_markup() -> None:
    text = "R&amp;D " * 10 + "<@UBOB> <https://example.com|docs>"
    for limit in range(1, 120):
        out = shown(text, limit=limit, max_pings=5)
        assert len(out) <= limit
        slack_reads(out)
    assert shown(text, limit=1000) == shown(text)


# -- for any text ------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        " ", "R&amp;D", "&", "&amp;amp;", "&lt;", "&gt;", "<", ">", "|", "\u200b", "\u3002",
        "okta.company.com", "https://evil.example/login", "a@b.c", "<@UBOB>", "<@UBOB|bob>", "<@USHY|shy>",
        "<@UGONE>", "<@UBOT>", "<@UNOBODY>", "<@W0ENT|erin>", "<@ubob>", "<!channel>", "<!here|here>",
        "<!everyone>", "<!subteam^S1|@eng>", "<#C0123|ops>", "<#C0123>", "<!date^1^{date}|today>",
    ]
)  # fmt: skip
_MENTIONS = st.integers(0, 29).map(lambda i: f"<@UP{i:02d}>")
_TARGETS = st.sampled_from(
    [
        "https://evil.example/login", "https://okta.company.com", "http://www.github.com/x?a=1&amp;b",
        "mailto:a@b.c", "mailto:thief@evil.example", "https://x", "https://xn--bcher-kva.example",
    ]
)  # fmt: skip
_LABEL = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8), _TARGETS), max_size=4).map("".join)
_LINKS = st.builds(lambda t, label: f"<{t}|{label}>", _TARGETS, _LABEL) | _TARGETS.map(lambda t: f"<{t}>")
_TEXTS = st.lists(st.one_of(_FRAGMENTS, _MENTIONS, _LINKS, st.text(max_size=10)), max_size=40).map("".join)


@given(_TEXTS, st.sets(st.sampled_from(["UBOB", "UCAROL", "USHY"])), st.integers(0, 6))
def test_any_text_pings_only_who_may_be_pinged_and_links_go_where_they_say(
    text: str, pinged: set[str], max_pings: int
) -> None:
    out = shown(text, pinged=pinged, max_pings=max_pings)
    read = slack_reads(out)
    assert all(PEOPLE[u].pingable for u in read["pings"])
    assert len(read["pings"]) == len(set(read["pings"]))
    assert len(set(read["pings"]) - pinged) <= max_pings
    assert "<!" not in out
    assert user_text(canonical(text), PEOPLE) == user_text(canonical(canonical(text)), PEOPLE)


@given(st.text(max_size=200), st.integers(1, 300))
def test_any_text_at_all_is_well_formed_and_fits(text: str, limit: int) -> None:
    out = shown(text, max_pings=5, limit=limit)
    assert len(out) <= limit
    read = slack_reads(out)
    assert all(PEOPLE[u].pingable for u in read["pings"])
