"""Block Kit for the expertise commands: pure functions from results to Slack payloads."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.expertise.channel_evidence import Inferred
from bot.expertise.endorsements import Decided, Endorsed
from bot.expertise.ids import HELD_BLOCK, Action
from bot.expertise.names import unescape
from bot.expertise.ranking import Answer, Person
from bot.expertise.skills import Changed, Profile
from bot.expertise.unanswered import Unanswered
from bot.help.render import usage
from bot.models.expertise import SHOWN
from bot.platform.blocks import Block, Payload, button, clip, context, ephemeral, mrkdwn, sections
from bot.platform.mrkdwn import escape, inert, mention
from bot.platform.refusals import Refusal
from bot.platform.words import plural, times
from bot.relationships.render.due import settle

MAX_LISTED = 40  # skills listed in one /skills answer
MAX_INFERRED = 10  # skills learned from channels listed (each a block, with its Hide button)


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
    parts = answer.parts
    body += [_person(first + i, person, parts) for i, person in enumerate(answer.people)]
    if answer.more:
        body.append(_show_more(answer))
    body.append(context("Know it too? `/skills add …` · Vouch for someone: `/endorse @colleague skill`"))
    names = ", ".join(mention(p.user_id) for p in answer.people)
    return ephemeral(f"People who know {escape(answer.topic[:100])}: {names}", body)


def covering(covers: list[str], parts: int) -> str:
    """Which parts of a several-part question someone matches: "covers both", "covers *React*"."""
    if len(covers) == parts:
        return "covers both" if parts == 2 else f"covers all {parts}"
    return f"covers {_bold(covers)}"


def _person(rank: int, person: Person, parts: int = 1) -> Block:
    title = f" · _{inert(person.title, 100)}_" if person.title else ""
    why = [*person.related, *person.reasons]
    if person.covers and parts > 1:
        why.insert(0, covering(person.covers, parts))
    lines = [f"*{rank}.* {mention(person.user_id)}{title}", " · ".join(why)]
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
    text = " ".join(lines)
    draft = ask_draft(answer)
    return ephemeral(
        text,
        [
            mrkdwn(text),
            mrkdwn(f"*Ask in a channel* — copy this into the channel where it belongs:\n>{draft}"),
            *([context(_COUNTED)] if answer.unanswered else []),
        ],
    )


# The asker is told what is kept of their question, and who sees it (`unanswered.record`).
_COUNTED = "Admins see which topics nobody could answer this month, never who asked."


def ask_draft(answer: Answer) -> str:
    """A question the asker can post in a channel themselves (Rapport can't post as them)."""
    what = _bold(answer.understood.names[:3]) if answer.understood.names else _quote(answer.topic, 100)
    return f"Does anyone here know about {what}? I'm looking for someone who could help me with it."


def unanswered_list(found: Unanswered) -> Payload:
    """`/whoknows --unanswered`: the month's questions nobody could answer, for admins."""
    if not found.allowed:
        return ephemeral("Only workspace admins can see the questions nobody could answer.")
    month = found.month.strftime("%B %Y")
    if not found.topics:
        return ephemeral(f"Every `/whoknows` question found someone in {month}.")
    lines = [f"*Questions nobody could answer in {month}* (topics only; who asked is not kept)"]
    lines += [f"• *{escape(topic)}* — asked {times(count)}" for topic, count in found.topics]
    text = f"Questions nobody could answer in {month}: " + ", ".join(escape(t) for t, _ in found.topics[:10])
    return ephemeral(clip(text, 3000), sections(lines))


# --------------------------------------------------------------------------------------------
# /skills
# --------------------------------------------------------------------------------------------


def _stored_as(changed: Changed) -> str:
    """Each skill, and how what was typed became it: "*Kubernetes* (you typed “k8s”)", "*CI/CD*
    (“Jenkins” and “CI” are stored as CI/CD)"."""
    parts = []
    for n in changed.done:
        names = n.renamed
        if len(names) > 1:
            typed = " and ".join(_quote(name, 40) for name in names[:5])
            parts.append(f"*{escape(n.label)}* ({typed} are stored as {escape(n.label)})")
        elif names:
            parts.append(f"*{escape(n.label)}* (you typed {_quote(names[0], 40)})")
        else:
            parts.append(f"*{escape(n.label)}*")
    return ", ".join(parts)


def _rejected(names: list[str]) -> str:
    return "Not skill names I can store: " + ", ".join(_quote(n, 40) for n in names[:5]) + "."


def _from(users: list[str], named: int = 3) -> str:
    """The latest few of these Slack ids as mentions ("<@A>, <@B> and 2 more")."""
    more = len(users) - named
    return ", ".join(mention(u) for u in users[-named:]) + (f" and {more} more" if more > 0 else "")


def _accept_command(label: str) -> str:
    return f"`/skills accept {escape(label)}`"


def skills_changed(action: str, changed: Changed) -> Payload:
    """The reply to `/skills add …`, `/skills remove …` or `/skills accept …`."""
    if not changed.done and not changed.unchanged:
        problem = _rejected(changed.rejected) if changed.rejected else "I found no skill names there."
        return usage("/skills", problem)
    if action == "accept":
        return ephemeral("\n".join(_accepted(changed)))
    lines = []
    if changed.done:
        lines.append(
            ("Added to your skills: " if action == "add" else "Removed: ") + _stored_as(changed) + "."
        )
    if changed.endorsers:
        labels = list(changed.endorsers)
        lines.append(
            f"Colleagues' endorsements for {_bold(labels)} are hidden too, and whoever gave them can't "
            "add them again; if someone else endorses you for it, I'll ask you first."
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


def _accepted(changed: Changed) -> list[str]:
    lines = [
        f"Accepted: *{escape(label)}* (from {_from(users)})." for label, users in changed.endorsers.items()
    ]
    if changed.endorsers:
        lines.append(
            f"Your profile and `/whoknows` show {'it' if len(changed.endorsers) == 1 else 'them'} now."
        )
    if changed.unchanged:
        lines.append(f"Nothing is waiting for you for {_bold(n.label for n in changed.unchanged)}.")
    if changed.rejected:
        lines.append(_rejected(changed.rejected))
    return lines


def profile(found: Profile | None, user_id: str, *, mine: bool) -> Payload:
    """The reply to `/skills` (mine) or `/skills @colleague` (theirs)."""
    who = mention(user_id)
    waiting = found.waiting if found is not None and mine else []
    if found is None or (not found.skills and not waiting and not found.inferred):
        if mine:
            return ephemeral("You haven't declared any skills yet. Try `/skills add kubernetes, terraform`.")
        if found is None:
            return ephemeral(f"I don't know {who} yet; the directory syncs every hour.")
        return ephemeral(
            f"{who} has no skills listed yet. Know what they're great at? `/endorse {who} skill`."
        )
    whose = "Your" if mine else f"{who}'s"
    lines = [f"*{whose} skills*"] if found.skills else ["You haven't declared any skills yet."]
    for held in found.skills[:MAX_LISTED]:
        evidence = []
        if held.declared:
            evidence.append("declared")
        if held.endorsers:
            named = ", ".join(mention(u) for u in held.endorsers[-3:])
            evidence.append(f"endorsed by {len(held.endorsers)} ({named})")
        if held.from_title:
            evidence.append("from the Slack title")
        if held.from_profile:
            evidence.append("from the Slack profile")
        lines.append(f"• *{escape(held.label)}* — {' · '.join(evidence)}")
    if len(found.skills) > MAX_LISTED:
        lines.append(f"…and {len(found.skills) - MAX_LISTED} more.")
    if waiting:
        lines.append("*Waiting for you* (only you can see these until you accept them):")
        lines += [
            f"• *{escape(w.label)}* (from {_from(w.endorsers)}) — {_accept_command(w.label)}"
            f" · `/skills remove {escape(w.label)}`"
            for w in waiting[:MAX_LISTED]
        ]
        if len(waiting) > MAX_LISTED:
            lines.append(f"…and {len(waiting) - MAX_LISTED} more.")
    if not found.member.active:
        lines.append("_No longer active in this workspace._")
    parts = (
        [f"{whose} skills: " + ", ".join(escape(h.label) for h in found.skills[:10])] if found.skills else []
    )
    if waiting:
        parts.append("Waiting for you: " + ", ".join(escape(w.label) for w in waiting[:10]))
    blocks = sections(lines)
    if found.inferred:
        parts.append("From public channels: " + ", ".join(escape(i.label) for i in found.inferred[:10]))
        blocks += _inferred_blocks(found.inferred, mine)
    text = " · ".join(parts)
    return ephemeral(clip(text, 3000), blocks)


def _inferred_blocks(inferred: list[Inferred], mine: bool) -> list[Block]:
    """What public channels showed, apart from what people said: each with Hide, for its owner."""
    intro = (
        "*Learned from public channels* (only you can hide these; turn it off in `/rapport settings`):"
        if mine
        else "*Learned from public channels:*"
    )
    blocks: list[Block] = [mrkdwn(intro)]
    for item in inferred[:MAX_INFERRED]:
        did = []
        if item.answers:
            did.append(f"answered {plural(item.answers, 'thread')}")
        if item.shared:
            did.append(f"shared links or code {plural(item.shared, 'time')}")
        where = f"in {plural(item.channels, 'channel')}"
        block = mrkdwn(f"• *{escape(item.label)}* — {' · '.join(did) or 'talked about it'} {where}")
        if mine:
            block["accessory"] = button(Action.HIDE_INFERRED, "Hide", str(item.skill_id))
        blocks.append(block)
    if len(inferred) > MAX_INFERRED:
        blocks.append(context(f"…and {len(inferred) - MAX_INFERRED} more."))
    return blocks


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
    """The reply to `/endorse`: the same whether each endorsement shows, waits for its endorsee or
    was hidden by them, so that its author learns nothing of the endorsee's choices."""
    if result.unfound:
        who = mention(result.endorsees[0]) if result.endorsees else "@colleague"
        return ephemeral(
            f"I couldn't find a skill in {_quote(unescape(result.unfound))}. "
            f"Name it, like `/endorse {who} python`."
        )
    lines = [
        f"Thanks — you endorsed {mention(u)} for {_bold(labels)}." for u, labels in result.stored.items()
    ]
    if result.stored:
        lines.append(
            "They'll see it in their next daily digest; skills they haven't shown yet wait for their OK."
        )
    lines += [
        f"You had already endorsed {mention(u)} for {_bold(labels)}." for u, labels in result.already.items()
    ]
    lines += [_REFUSALS[why].format(who=mention(u)) for u, why in result.refused]
    if result.rejected:
        lines.append(_rejected(result.rejected))
    if not (result.stored or result.already or result.refused):
        return usage("/endorse", " ".join(lines) or "I found no skill names there.")
    return ephemeral("\n".join(lines))


# --------------------------------------------------------------------------------------------
# An endorsement waiting for its endorsee: their digest item, Accept and Hide
# --------------------------------------------------------------------------------------------


def held_text(endorser_user_id: str, label: str) -> str:
    """A digest's line about an endorsement waiting for the recipient's OK."""
    return f"{mention(endorser_user_id)} endorsed you for *{escape(label)}*. Show it on your profile?"


def held_item(endorsement_id: int, endorser_user_id: str, label: str) -> tuple[Block, ...]:
    """The item and its Accept and Hide buttons."""
    text = held_text(endorser_user_id, label)
    value = str(endorsement_id)
    return (
        mrkdwn(f"{text}\n_Only you can see it until you accept it._"),
        {
            "type": "actions",
            "block_id": HELD_BLOCK + value,
            "elements": [
                button(Action.ACCEPT, "Accept", value, style="primary"),
                button(Action.HIDE, "Hide", value),
            ],
        },
    )


def decided_line(status: str, endorser_user_id: str, label: str) -> str:
    """What became of an endorsement once its endorsee chose (in their digest, then and later)."""
    whose = f"{mention(endorser_user_id)}'s endorsement for *{escape(label)}*"
    if status == SHOWN:
        return f":white_check_mark: You accepted {whose}; it shows on your profile."
    return f"Hidden: {whose}. Changed your mind? {_accept_command(label)}"


def decided(outcome: Decided | Refusal, message: dict[str, Any] | None, block_id: str) -> Payload:
    """The answer to Accept or Hide: the message clicked, its buttons replaced by what they did
    (an ephemeral note where Slack sends no copy of the message)."""
    if isinstance(outcome, Refusal):
        note = outcome.text
    else:
        note = decided_line(outcome.status, outcome.endorser, outcome.label)
    blocks = (message or {}).get("blocks")
    if not blocks:
        return {"replace_original": False, "response_type": "ephemeral", "text": note}
    return {
        "replace_original": True,
        "text": (message or {}).get("text") or note,
        "blocks": settle(blocks, block_id, note),
    }


def private_channel() -> Payload:
    """What Rapport says when invited to a private channel: it reads only public ones."""
    text = (
        "Thanks for the invitation. I learn who knows what only from *public* channels, so I won't "
        "read anything here (nor in DMs or group DMs). Invite me to a public channel instead, or "
        "declare skills with `/skills add`."
    )
    return {"text": text, "blocks": [mrkdwn(text)]}
