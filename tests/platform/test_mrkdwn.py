"""Slack's markup in user text: read one way, escaped exactly once, no crowd pinged, nobody pinged
without consent or beyond the cap, and no link whose label names somewhere else than where a
browser goes; and text that must show only what it says (`inert`)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.platform.mrkdwn import (
    Person,
    canonical,
    escape_once,
    inert,
    mentions,
    strip_mentions,
    unescape,
    user_text,
    without_broadcasts,
    without_markup,
)

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
# A browser's reading of a URL (WHATWG): any run of `/` and `\` after the scheme, the authority
# up to the next `/`, `\`, `?` or `#`, the host after the last `@`, percent-decoded.
_BROWSER = re.compile(r"[a-z][a-z0-9+.-]*:[/\\]*([^/\\?#]*)", re.I)
_URL_SHAPED = re.compile(r"[a-z][a-z0-9+.-]*:[/\\]{2,}[^/\\?#\s\x00-\x1f]*", re.I)
_WORD_SLASH_WORD = re.compile(r"(?:^|(?<=\s))([a-z]+)/[a-z]", re.I)
_HOST_COLON_PORT = re.compile(r"(?:^|(?<=\s))([a-z]+):[0-9]+\b", re.I)


def _readable(text: str) -> str:
    """Text as a reader sees it: invisible characters gone, look-alike dots and letters folded."""
    text = unicodedata.normalize("NFKC", unescape(text)).replace("\u3002", ".")
    return "".join(c for c in text if unicodedata.category(c) != "Cf").casefold()


def _key(host: str) -> str:
    """A host as compared (Python's own IDNA 2003 codec: punycode for what is not ASCII)."""
    host = host.casefold().strip(".").removeprefix("www.")
    try:
        return host.encode("idna").decode()
    except UnicodeError:
        return host


def _browser_host(url: str) -> str:
    authority = _BROWSER.match(url)
    assert authority, url
    hostport = authority[1].rpartition("@")[2]
    return _key(unquote(hostport.partition(":")[0]))


def _hosts_read_in(label: str) -> set[str]:
    """Hosts a reader sees in a label: dotted names, URLs (`https://okta`), `host:port`, `word/path`."""
    text = _readable(label)
    hosts = {_key(h) for h in _HOST.findall(text)}
    hosts |= {_browser_host(u) for u in _URL_SHAPED.findall(text)}
    return hosts | set(_WORD_SLASH_WORD.findall(text)) | set(_HOST_COLON_PORT.findall(text))


def _target_host(target: str) -> str:
    raw = unescape(target)
    if raw.lower().startswith("mailto:"):
        return _key(unquote(raw).split("@")[-1].split("?")[0])
    return _browser_host(raw)


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
                    assert all(e == unquote(unescape(target))[7:].casefold() for e in emails), token
            elif not target.lower().startswith("mailto:"):  # the reader sees the URL itself
                authority = _BROWSER.match(unescape(target))
                assert authority, token
                assert "@" not in authority[1], f"userinfo hides the host in {token}"
                assert "\\" not in target, f"a backslash hides the host in {token}"
                assert _hosts_read_in(target) <= {_target_host(target)}, f"disguised link {token}"
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
        ("<https://evil.example@okta.com|evil.example>", "<https://evil.example@okta.com|https://okta.com>"),
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
        # read as a browser reads it: `\` is `/`, the host follows the userinfo, is percent-decoded,
        # IDNA-mapped (non-transitional) and, if numeric, IPv4; a URL that hides its host is said
        # plainly, and one whose own text is honest is shown bare
        (
            "<https://evil.example\\@okta.company.com/|okta.company.com>",
            "<https://evil.example\\@okta.company.com/|https://evil.example/…>",
        ),
        (
            "<https://evil.example\\@okta.company.com/>",
            "<https://evil.example\\@okta.company.com/|https://evil.example/…>",
        ),
        ("<https:///\\evil.example|okta.company.com>", "<https:///\\evil.example|https://evil.example>"),
        (
            "<https://okta.company.com@evil.example>",
            "<https://okta.company.com@evil.example|https://evil.example>",
        ),
        (
            "<https://okta.company.com%2F@evil.example|okta.company.com>",
            "<https://okta.company.com%2F@evil.example|https://evil.example>",
        ),
        ("<https://evil%2Eexample/|okta.company.com>", "<https://evil%2Eexample/|https://evil.example>"),
        (
            "<https://okta%2Ecompany%2Ecom/x|okta.company.com>",
            "<https://okta%2Ecompany%2Ecom/x|okta.company.com>",
        ),
        ("<https://OKTA.company.com./x|okta.company.com>", "<https://OKTA.company.com./x|okta.company.com>"),
        ("<https://0x7f.1/|127.0.0.1>", "<https://0x7f.1/|127.0.0.1>"),
        ("<https://2130706433/|10.0.0.1>", "<https://2130706433/>"),
        (
            "<https://evil.example/x?next=https://okta.com>",
            "<https://evil.example/x?next=https://okta.com|https://evil.example/…>",
        ),
        ("<https://medium.com/@user/post>", "<https://medium.com/@user/post>"),
        ("<https://xn--80ak6aa92e.com|okta.com>", "<https://xn--80ak6aa92e.com>"),
        (
            "<https://okta.c\u043empany.com|okta.company.com>",
            "<https://okta.c\u043empany.com|https://okta.xn--cmpany-wqf.com>",
        ),
        (
            "<https://okta.c\u043empany.com>",
            "<https://okta.c\u043empany.com|https://okta.xn--cmpany-wqf.com>",
        ),
        ("<https://evil.example|okta.c\u043empany.com>", "<https://evil.example>"),
        (
            "<https://b\u00fccher.example|b\u00fccher.example>",
            "<https://b\u00fccher.example|b\u00fccher.example>",
        ),
        ("<https://fa\u00df.de|fass.de>", "<https://fa\u00df.de>"),  # not fass.de to a browser
        # labels that name a host without a dot: a URL, `host:port`, a path
        ("<https://evil.example|https://okta>", "<https://evil.example>"),
        ("<https://evil.example|ftp://okta>", "<https://evil.example>"),
        ("<https://evil.example|localhost:8080>", "<https://evil.example>"),
        ("<https://evil.example|intranet/login>", "<https://evil.example>"),
        ("<https://evil.example|log in: intranet\\login>", "<https://evil.example>"),
        ("<https://evil.example|the CI/CD docs>", "<https://evil.example>"),  # (on the safe side)
        ("<https://okta|https://okta>", "<https://okta|https://okta>"),
        ("<http://localhost:8080/x|localhost:8080>", "<http://localhost:8080/x|localhost:8080>"),
        ("<https://intranet/login|intranet/login>", "<https://intranet/login|intranet/login>"),
        (
            "<https://evil.example|meet at 10:30, R&amp;D/ops>",
            "<https://evil.example|meet at 10:30, R&amp;D/ops>",
        ),
        # a label that is empty once cleaned, or nested markup, never makes an empty-label link
        ("<https://x|<!channel>>", "<https://x>"),
        ("<https://x| >", "<https://x>"),
        ("<https://x|<@UBOB>>", "<https://x>"),
        ("<https://x|see <!here> this>", "<https://x|see this>"),
        ("<https://x|<https://evil.example|okta.com>>", "<https://x>"),
        # not a link Slack makes: plain, inert text
        ("<javascript:alert(1)|okta.com>", "&lt;javascript:alert(1)|okta.com&gt;"),
        ("<https://|okta.com>", "&lt;https://|okta.com&gt;"),
        ("<https://okta.com%2Fevil.example|okta.com>", "&lt;https://okta.com%2Fevil.example|okta.com&gt;"),
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
        "https://okta", "localhost:8080", " intranet/login", "\\", "@okta.company.com",
        "okta.c\u043empany.com",
    ]
)  # fmt: skip
_MENTIONS = st.integers(0, 29).map(lambda i: f"<@UP{i:02d}>")
_TARGETS = st.sampled_from(
    [
        "https://evil.example/login", "https://okta.company.com", "http://www.github.com/x?a=1&amp;b",
        "mailto:a@b.c", "mailto:thief@evil.example", "https://x", "https://xn--bcher-kva.example",
        # read otherwise by urlsplit than by a browser, or hiding their host
        "https://evil.example\\@okta.company.com/", "https://okta.company.com@evil.example", "https://okta",
        "https://evil%2Eexample/", "https:///\\evil.example", "http://localhost:8080/x", "https://intranet/login",
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


_HOSTS = st.sampled_from(
    [
        "okta.company.com", "https://okta", "https://okta.company.com/login", "localhost:8080",
        "intranet/login", "evil.example", "support@okta.com", "okta.c\u043empany.com", "10.0.0.1", "the docs",
        "intranet", "okta", "http://localhost:8080", "evil%2Eexample", "x", "https://evil.example\\@okta.company.com",
    ]
)  # fmt: skip


@given(_TARGETS, st.lists(st.one_of(_HOSTS, _FRAGMENTS, st.text(max_size=4)), max_size=4).map(" ".join))
def test_no_link_shows_a_host_other_than_where_a_browser_goes(target: str, label: str) -> None:
    for typed in (f"<{target}|{label}>", f"<{target}>", f"see <{target}|{label}> now"):
        slack_reads(shown(typed))


# -- one reading of Slack's markup ------------------------------------------------------------


def test_every_view_of_a_text_reads_its_markup_as_canonical_does() -> None:
    text = (
        "thanks <@UBOB|bob> <!date^1^{date}|today> &amp; <https://x.example|<@UCAROL> <!here>> "
        "<#C0123|ops> <javascript:x|<!channel>>"
    )
    assert canonical(text) == (
        "thanks <@UBOB> today &amp; <https://x.example> <#C0123> &lt;javascript:x|&gt;"
    )
    assert mentions(text) == ["UBOB"]  # not Carol: a mention in a label is no mention
    assert without_broadcasts(text) == (
        "thanks <@UBOB> today &amp; <https://x.example> <#C0123|ops> &lt;javascript:x|&gt;"
    )
    assert strip_mentions(text) == "thanks today &amp; <https://x.example> <#C0123|ops> &lt;javascript:x|&gt;"
    assert without_markup(text) == "thanks today &amp; &lt;javascript:x|&gt;"


@given(_TEXTS)
def test_the_views_of_any_text_agree_with_its_canonical_form(text: str) -> None:
    kept = canonical(text)
    assert mentions(text) == mentions(kept) == mentions(without_broadcasts(text))
    assert mentions(strip_mentions(text)) == []
    for view in (without_broadcasts(text), strip_mentions(text), without_markup(text), kept):
        assert "<!" not in view
    assert unescape(without_markup(text)) == unescape(without_markup(kept))


# -- text that shows only what it says: inert ------------------------------------------------

ZWSP = "\u200b"


def test_short_plain_text_reads_as_typed() -> None:
    assert inert("Staff Engineer", 80) == "Staff Engineer"
    assert inert("R&amp;D Lead", 80) == "R&amp;D Lead"  # Slack's escaping is not doubled
    assert inert("R&D <Lead>", 80) == "R&amp;D &lt;Lead&gt;"
    assert inert(None, 80) == ""


def test_long_text_is_cut_to_the_limit_with_an_ellipsis() -> None:
    title = "Chief " + "Executive " * 20
    assert inert(title, 80) == title[:79] + "…"
    assert inert("x" * 200, 10) == "x" * 9 + "…"


@pytest.mark.parametrize(
    ("title", "never"),
    [
        ("CEO <!channel>", "<!channel>"),
        ("CEO <!here|here>", "<!here"),
        ("CEO <!subteam^S123|@leads>", "<!subteam"),
        ("CEO <@U0BOSS>", "<@U0BOSS>"),
        ("CEO <https://evil.example|the SSO portal>", "<https://"),
        ("CEO, DM me at https://sso.evil.io/login", "https://"),
        ("CEO, see sso.evil.io", "evil.io"),
        ("CEO, mail boss@evil.io", "boss@evil"),
        ("CEO @here @channel", "@here"),
        ("CEO of #general", "#general"),
    ],
)
def test_nothing_in_inert_text_can_ping_or_link(title: str, never: str) -> None:
    out = inert(title, 80)
    assert never not in out
    assert out.replace(ZWSP, "").replace("&lt;", "<").replace("&gt;", ">") == title  # still says it
    assert slack_reads(out) == {"pings": [], "channels": [], "links": []}


def test_inert_text_is_one_line_without_hidden_characters() -> None:
    assert inert("Staff\nEngineer\t\u2028 (acting)", 80) == "Staff Engineer (acting)"
    assert inert("Staff \u202eEngineer\u200d", 80) == "Staff Engineer"  # no direction overrides


@given(st.text(max_size=120), st.integers(1, 100))
def test_any_text_made_inert_is_one_line_markup_free_and_fits(text: str, limit: int) -> None:
    out = inert(text, limit)
    assert slack_reads(out) == {"pings": [], "channels": [], "links": []}
    assert len(out.replace(ZWSP, "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= limit
    assert "\n" not in out
    assert not re.search(r"[.@:/#][^\s\u200b]", out)  # nothing Slack could auto-link
