"""Kudos: who is thanked and what for, checked kindly, stored once however often the request comes.

`/kudos @bob @carol for shipping the churn model` names its receivers first and the reason after
"for"; free text works too (`/kudos @bob thanks for covering my on-call!`). A kudos is refused,
with a short explanation, when it names the giver, a bot, someone deactivated or unknown,
someone who opted out of public celebrations, or gives no reason; a giver may post at most
`HOURLY_LIMIT` an hour.

The text is read once, as `mrkdwn.canonical` reads Slack's markup (broadcasts — `<!channel>`,
`<!here>`, `<!everyone>`, user groups — gone, so no post can ping a crowd; mentions `<@U…>`;
escaped once), and then taken apart. The reason is stored in that form: the people it mentions
and the links it holds are checked each time it is shown (`bot.kudos.reasons`), so a kudos is
never refused for what its reason mentions.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.celebrations.consent import celebrated
from bot.directory.members import ensure_member, find_member, resolve
from bot.expertise.evidence import Sources
from bot.kudos import evidence as kudos_evidence
from bot.models import Member, Workspace
from bot.models.celebrations import Kudos, KudosReceiver
from bot.platform.mrkdwn import MENTION, canonical, mention, mentions, strip_mentions, unescape
from bot.platform.refusals import Refusal
from bot.platform.storage import insert_ignore, request_key
from bot.relationships import cadences

HOURLY_LIMIT = 10
LIMIT_WINDOW = timedelta(hours=1)
# The same thanks to the same people from the same giver within this window is a repeat.
REPEAT_WINDOW = timedelta(hours=1)
MAX_RECEIVERS = 20
MAX_REASON = 1000
SLACKBOT = "USLACKBOT"

# Mentions at the start, separated by spaces, commas, "and", "&" (which Slack sends as `&amp;`) or "+".
_LEADING_MENTION = re.compile(r"\s*(?:(?:,|&amp;|\+|\b(?i:and)\b)\s*)?" + MENTION.pattern)
_FOR = re.compile(r"^(?:[:\-–—,]\s*)?for\b[:\s]*", re.I)
_LEADING_JUNK = re.compile(r"^[\s:\-–—,]+")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Parsed:
    receivers: list[str]  # Slack ids, in the order given
    reason: str  # Slack's markup, `mrkdwn.canonical`: shown through `reasons.shown`
    quoted: bool  # free text rather than "for …"


def parse(text: str) -> Parsed | Refusal:
    """Receivers and reason of a `/kudos` text, or why it cannot be read as kudos."""
    rest = canonical(text or "")
    receivers: list[str] = []
    while match := _LEADING_MENTION.match(rest):
        receivers.append(match.group(1))
        rest = rest[match.end() :]
    quoted = True
    if receivers:
        rest = rest.strip()
        if stripped := _FOR.match(rest):
            rest, quoted = rest[stripped.end() :], False
        else:
            rest = _LEADING_JUNK.sub("", rest)
    else:  # "thanks <@U1> for …": everyone mentioned is thanked; the whole text is the reason
        receivers = mentions(rest)
    receivers = list(dict.fromkeys(receivers))
    if not receivers:
        return Refusal("Who are the kudos for? Mention them with @.", usage=True)
    reason = " ".join(rest.split())
    if not _WORDS.search(unescape(strip_mentions(reason))) and not mentions(reason):
        names = people_list(receivers)
        return Refusal(f"What are the kudos for? Say why, like `/kudos {names} for shipping the release`.")
    if len(reason) > MAX_REASON:
        return Refusal(f"That's a lot to say! Keep the reason under {MAX_REASON} characters.")
    if len(receivers) > MAX_RECEIVERS:
        return Refusal(f"Kudos can thank up to {MAX_RECEIVERS} people at once.")
    return Parsed(receivers, reason, quoted)


def people_list(user_ids: list[str]) -> str:
    """`<@A>`, `<@A> and <@B>`, `<@A>, <@B> and <@C>`."""
    named = [mention(u) for u in user_ids]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " and " + named[-1]


def fingerprint(receivers: list[str], reason: str) -> str:
    """Same people, same words (case and spacing aside): the same kudos."""
    words = " ".join(reason.casefold().split())
    return hashlib.sha256(("|".join(sorted(receivers)) + "\n" + words).encode()).hexdigest()[:32]


def kudos_key(team_id: str, giver: str, print_: str, request_id: str) -> str:
    """What the kudos announces, and the request it came in (a retry repeats its trigger id)."""
    return request_key("kudos", team_id, giver, print_, request_id)


def time_bucket(now: datetime) -> str:
    """Stands in for the request's id when there is none: the hour it came in."""
    return now.strftime("%Y-%m-%dT%H")


NEW, RETRY, REPEAT = "new", "retry", "repeat"


@dataclass
class Given:
    kudos: Kudos
    giver: Member
    receivers: list[Member] = field(default_factory=list)
    status: str = NEW  # new | retry (the same request again) | repeat (the same thanks, sent again)


def give(
    session: Session,
    team_id: str,
    giver_user_id: str,
    text: str,
    now: datetime,
    *,
    request_id: str | None = None,
) -> Given | Refusal:
    """Store a kudos (once), or say what to fix (and then write nothing)."""
    parsed = parse(text)
    if isinstance(parsed, Refusal):
        return parsed
    receivers = _check_receivers(session, team_id, giver_user_id, parsed.receivers)
    if isinstance(receivers, Refusal):
        return receivers
    print_ = fingerprint(parsed.receivers, parsed.reason)
    key = kudos_key(team_id, giver_user_id, print_, request_id or time_bucket(now))
    known = find_member(session, team_id, giver_user_id)
    recent = _recent(session, team_id, known, now) if known else []
    found = _match(recent, key, print_)
    if known is not None and found is not None:
        return Given(found[0], known, receivers, found[1])
    too_many = _check_rate(recent, now)
    if too_many is not None:
        return too_many
    # Someone who joined since the last sync can already thank people.
    giver = known or ensure_member(session, team_id, giver_user_id, now)

    values = {
        "team_id": team_id,
        "giver_id": giver.id,
        "reason": parsed.reason,
        "quoted": parsed.quoted,
        "fingerprint": print_,
        "request_key": key,
        "created_at": now,
    }
    inserted = insert_ignore(session, Kudos, values, ["request_key"])
    kudos = session.scalar(_BY_KEY, {"key": key})
    assert kudos is not None
    if not inserted:  # the same request, handled concurrently by another worker
        return Given(kudos, giver, receivers, RETRY)
    session.add_all(
        KudosReceiver(kudos_id=kudos.id, member_id=m.id, team_id=team_id, position=i, created_at=now)
        for i, m in enumerate(receivers)
    )
    session.flush()
    return Given(kudos, giver, receivers, NEW)


def settle(session: Session, item: Kudos, *, evidence: Sources) -> bool:
    """What a kudos means beyond its post, once (the celebrations job, within minutes): the
    skills its reason names become evidence for the receivers, and the giver's keep-in-touch
    clocks with them start over (thanking someone is being in touch)."""
    claimed = session.execute(
        update(Kudos)
        .where(Kudos.id == item.id, Kudos.settled.is_(False))
        .values(settled=True)
        .returning(Kudos.id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return False
    receiver_ids = [m.id for m in receivers_of(session, item)]
    kudos_evidence.index(session, item, receiver_ids, item.created_at, evidence=evidence)
    cadences.touch_many(session, item.team_id, item.giver_id, receiver_ids, item.created_at)
    return True


def unsettled(session: Session, team_id: str, since: datetime) -> list[Kudos]:
    return list(
        session.scalars(
            select(Kudos).where(Kudos.team_id == team_id, Kudos.created_at > since, Kudos.settled.is_(False))
        )
    )


def given_by(
    session: Session, team_id: str, giver_user_id: str, text: str, now: datetime, *, request_id: str | None
) -> Kudos | None:
    """The kudos a request stored or repeated (for the work after the answer); None if it was refused."""
    parsed = parse(text)
    if isinstance(parsed, Refusal):
        return None
    giver = find_member(session, team_id, giver_user_id)
    if giver is None:
        return None
    print_ = fingerprint(parsed.receivers, parsed.reason)
    key = kudos_key(team_id, giver_user_id, print_, request_id or time_bucket(now))
    found = _match(_recent(session, team_id, giver, now), key, print_)
    return found[0] if found else None


# Built once: /kudos runs them on its answer path.
_BY_KEY = select(Kudos).where(Kudos.request_key == bindparam("key"))
_RECENT = (
    select(Kudos)
    .where(
        Kudos.team_id == bindparam("team_id"),
        Kudos.giver_id == bindparam("giver_id"),
        Kudos.created_at > bindparam("since"),
    )
    .order_by(Kudos.created_at, Kudos.id)
)


def _recent(session: Session, team_id: str, giver: Member, now: datetime) -> list[Kudos]:
    """The giver's kudos of the last hour, oldest first: retries, repeats and the hourly limit."""
    since = now - max(REPEAT_WINDOW, LIMIT_WINDOW)
    return list(session.scalars(_RECENT, {"team_id": team_id, "giver_id": giver.id, "since": since}))


def _match(recent: list[Kudos], key: str, print_: str) -> tuple[Kudos, str] | None:
    """This request's kudos (a retry), or the same thanks from the same giver just before (a repeat).

    A retry arriving later than the window still finds its kudos: the insert hits the unique key.
    """
    same_request = [k for k in recent if k.request_key == key]
    if same_request:
        return same_request[0], RETRY
    same_thanks = [k for k in recent if k.fingerprint == print_]
    return (same_thanks[-1], REPEAT) if same_thanks else None


def _check_receivers(
    session: Session, team_id: str, giver_user_id: str, user_ids: list[str]
) -> list[Member] | Refusal:
    """The receivers as members, or a refusal naming everyone who cannot be thanked, and why."""
    workspace = session.get(Workspace, team_id)  # (the caller reads it again: one query for both)
    bot_user = workspace.bot_user_id if workspace else None
    found = resolve(session, team_id, user_ids)
    problems: list[str] = []
    if giver_user_id in user_ids:
        problems.append("Kudos are for others — you can't give them to yourself (but well done!).")
    bots = [m.user_id for m in found.inactive if m.is_bot]
    bots += [u for u in found.unknown if u in (bot_user, SLACKBOT)]
    gone = [m.user_id for m in found.inactive if not m.is_bot]
    unknown = [u for u in found.unknown if u not in bots]
    shy = [m.user_id for m in found.active if not celebrated(m) and m.user_id != giver_user_id]
    if bots:
        problems.append(f"{people_list(bots)} {_is(bots)} a bot — kudos are for people.")
    if gone:
        problems.append(f"{people_list(gone)} {_is(gone)} no longer active in this workspace.")
    if unknown:
        problems.append(
            f"I don't know {people_list(unknown)} yet — if they just joined, try again in a few minutes."
        )
    if shy:
        problems.append(
            f"{people_list(shy)} prefer{'s' if len(shy) == 1 else ''} not to be celebrated in public — "
            "a direct message would mean a lot."
        )
    if problems:
        return Refusal("\n".join(problems))
    return found.active


def _is(user_ids: list[str]) -> str:
    return "is" if len(user_ids) == 1 else "are"


def _check_rate(recent: list[Kudos], now: datetime) -> Refusal | None:
    within = [k.created_at for k in recent if k.created_at > now - LIMIT_WINDOW]
    if len(within) < HOURLY_LIMIT:
        return None
    minutes = max(1, math.ceil((within[0] + LIMIT_WINDOW - now).total_seconds() / 60))
    return Refusal(
        f"You've given {HOURLY_LIMIT} kudos in the past hour — thank you for spreading so much "
        f"appreciation! You can give more in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def receivers_of(session: Session, kudos: Kudos) -> list[Member]:
    rows = session.execute(
        select(Member)
        .join(KudosReceiver, KudosReceiver.member_id == Member.id)
        .where(KudosReceiver.kudos_id == kudos.id, KudosReceiver.team_id == kudos.team_id)
        .order_by(KudosReceiver.position)
    ).scalars()
    return list(rows)
