"""Block Kit for the expertise commands: pure functions from results to Slack payloads."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.expertise.endorsements import Endorsed
from bot.expertise.ids import Action
from bot.expertise.ranking import Answer, Person
from bot.expertise.skills import Changed, Profile
from bot.help.render import usage
from bot.platform.blocks import Block, Payload, button, clip, context, ephemeral, mrkdwn, sections
from bot.platform.mrkdwn import escape, mention

MAX_LISTED = 40  # skills listed in one /skills answer


def _bold(labels: Iterable[str]) -> str:
    return ", ".join(f"*{escape(label)}*" for label in labels)


def _quote(text: str, limit: int = 80) -> str:
    return f"“{escape(clip(text, limit))}”"


# --------------------------------------------------------------------------------------------
# /whoknows
# --------------------------------------------------------------------------------------------


def whoknows(answer: Answer) -> Payload:
    """The answer to `/whoknows` (and each "Show more" page)."""
    if not answer.people:
        return _nobody(answer)
    what = _bold(answer.understood.names) or _quote(answer.topic)
    first = answer.offset + 1
    last = answer.offset + len(answer.people)
    intro = f"People who know {what}" + (f" ({first}–{last}):" if answer.offset else ":")
    body: list[Block] = []
    if answer.understood.corrected:
        body.append(context(f"Showing results for {what}; you typed {_quote(answer.topic)}."))
    body.append(mrkdwn(intro))
    body += [_person(first + i, person) for i, person in enumerate(answer.people)]
    if answer.more:
        body.append(_show_more(answer))
    body.append(context("Know it too? `/skills add …` · Vouch for someone: `/endorse @colleague skill`"))
    names = ", ".join(mention(p.user_id) for p in answer.people)
    return ephemeral(f"People who know {escape(answer.topic[:100])}: {names}", body)


def _person(rank: int, person: Person) -> Block:
    title = f" · _{escape(clip(person.title, 100))}_" if person.title else ""
    lines = [f"*{rank}.* {mention(person.user_id)}{title}", " · ".join(person.reasons)]
    if person.known:
        lines.append(":handshake: You already know them.")
    elif person.introducer:
        lines.append(f":wave: {mention(person.introducer)} knows you both and could introduce you.")
    return mrkdwn("\n".join(lines))


def more_value(topic: str, offset: int) -> str:
    """What the "Show more" button carries: the topic and where the next page starts."""
    return json.dumps({"t": topic[:500], "o": offset}, ensure_ascii=False)


def read_more_value(value: str) -> tuple[str, int]:
    """The topic and offset from a "Show more" button; ("", 0) for anything else."""
    try:
        data = json.loads(value)
        return str(data["t"]), max(0, int(data["o"]))
    except (ValueError, TypeError, KeyError):
        return "", 0


def expired_more() -> Payload:
    """For a "Show more" button whose value is not one of ours (or too old to read)."""
    return {
        "replace_original": False,
        "response_type": "ephemeral",
        "text": "That button has expired; ask again with `/whoknows`.",
    }


def _show_more(answer: Answer) -> Block:
    shown = answer.offset + len(answer.people)
    return {
        "type": "actions",
        "elements": [button(Action.SHOW_MORE, "Show more", more_value(answer.topic, shown))],
    }


def _nobody(answer: Answer) -> Payload:
    if answer.understood.names:
        what = _bold(answer.understood.names)
        nobody = "Nobody but you" if answer.only_asker else "Nobody here"
        lines = [f"{nobody} has {what} among their skills yet."]
    else:
        lines = [f"I couldn't find anyone who knows {_quote(answer.topic)}."]
    if answer.suggestions:
        lines.append(
            f"People do know: {_bold(answer.suggestions)}. Try `/whoknows {escape(answer.suggestions[0])}`."
        )
    lines.append("If you know it, say so with `/skills add …`; it helps the next person who asks.")
    return ephemeral(" ".join(lines))


# --------------------------------------------------------------------------------------------
# /skills
# --------------------------------------------------------------------------------------------


def _stored_as(changed: Changed) -> str:
    parts = []
    for n in changed.done:
        typed = n.typed.casefold() != n.label.casefold()
        parts.append(f"*{escape(n.label)}*" + (f" (you typed {_quote(n.typed, 40)})" if typed else ""))
    return ", ".join(parts)


def _rejected(names: list[str]) -> str:
    return "Not skill names I can store: " + ", ".join(_quote(n, 40) for n in names[:5]) + "."


def skills_changed(action: str, changed: Changed) -> Payload:
    """The reply to `/skills add …` or `/skills remove …`."""
    if not changed.done and not changed.unchanged:
        problem = _rejected(changed.rejected) if changed.rejected else "I found no skill names there."
        return usage("/skills", problem)
    lines = []
    if changed.done:
        lines.append(
            ("Added to your skills: " if action == "add" else "Removed: ") + _stored_as(changed) + "."
        )
    if changed.unchanged:
        lead = "Already among your skills: " if action == "add" else "You had not declared: "
        lines.append(lead + _bold(n.label for n in changed.unchanged) + ".")
    if changed.rejected:
        lines.append(_rejected(changed.rejected))
    if changed.truncated:
        lines.append("That was a long list: I took the first 20.")
    mine = _bold(changed.declared[:MAX_LISTED]) if changed.declared else "none yet"
    lines.append(f"Your declared skills: {mine}.")
    return ephemeral("\n".join(lines))


def profile(found: Profile | None, user_id: str, *, mine: bool) -> Payload:
    """The reply to `/skills` (mine) or `/skills @colleague` (theirs)."""
    who = mention(user_id)
    if found is None or not found.skills:
        if mine:
            return ephemeral("You haven't declared any skills yet. Try `/skills add kubernetes, terraform`.")
        if found is None:
            return ephemeral(f"I don't know {who} yet; the directory syncs every hour.")
        return ephemeral(
            f"{who} has no skills listed yet. Know what they're great at? `/endorse {who} skill`."
        )
    whose = "Your" if mine else f"{who}'s"
    lines = [f"*{whose} skills*"]
    for held in found.skills[:MAX_LISTED]:
        evidence = []
        if held.declared:
            evidence.append("declared")
        if held.endorsers:
            named = ", ".join(mention(u) for u in held.endorsers[-3:])
            evidence.append(f"endorsed by {len(held.endorsers)} ({named})")
        if held.from_title:
            evidence.append("from the Slack title")
        lines.append(f"• *{escape(held.label)}* — {' · '.join(evidence)}")
    if len(found.skills) > MAX_LISTED:
        lines.append(f"…and {len(found.skills) - MAX_LISTED} more.")
    if not found.member.active:
        lines.append("_No longer active in this workspace._")
    text = f"{whose} skills: " + ", ".join(escape(h.label) for h in found.skills[:10])
    return ephemeral(clip(text, 3000), sections(lines))


# --------------------------------------------------------------------------------------------
# /endorse
# --------------------------------------------------------------------------------------------

_REFUSALS = {
    "self": "You can't endorse yourself; declare your own skills with `/skills add …`.",
    "bot": "{who} is a bot; only people can be endorsed.",
    "deactivated": "{who} is no longer active in this workspace.",
    "unknown": "I don't know {who} yet; the directory syncs every hour.",
}


def endorsed(result: Endorsed) -> Payload:
    """The reply to `/endorse`."""
    lines = [f"You endorsed {mention(u)} for {_bold(labels)}." for u, labels in result.stored.items()]
    if result.stored:
        lines.append("They'll see it in their next daily digest.")
    lines += [
        f"You had already endorsed {mention(u)} for {_bold(labels)}." for u, labels in result.already.items()
    ]
    lines += [_REFUSALS[why].format(who=mention(u)) for u, why in result.refused]
    if result.rejected:
        lines.append(_rejected(result.rejected))
    if not result.stored and not result.already and not result.refused:
        return usage("/endorse", " ".join(lines) or "I found no skill names there.")
    return ephemeral("\n".join(lines))


def endorsement_line(endorser_user_id: str, skills: list[str]) -> tuple[str, str]:
    """How a digest tells someone a colleague vouched for them: the line and its context."""
    text = f"{mention(endorser_user_id)} endorsed you for {_bold(skills)}. :raised_hands:"
    return text, "See what colleagues vouch for with `/skills` · Return the favour with `/endorse`"
