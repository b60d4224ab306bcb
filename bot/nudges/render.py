"""Block Kit for the daily digest: a short intro, then a section per kind of attention, each line
with its buttons (the same as on every due item: `bot.relationships.render.due.item_actions`).

A news group (`bot.nudges.kinds.together`) is one line with one acknowledge button, named by its
first item: acting on it acts on the whole group (`bot.nudges.acting`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.outbox import Nudge
from bot.nudges.kinds import FOR_YOU, Kind, Kinds, Line
from bot.nudges.statuses import DONE, SNOOZED
from bot.platform.blocks import Block, Payload, button, clip, context, header, mrkdwn
from bot.platform.words import plural
from bot.relationships.ids import ITEM_BLOCK, Action
from bot.relationships.render.due import item_actions

NUDGE = "n"  # a digest item's ref: "n:<nudge id>"
# News is acknowledged, not done: the button, and what the line says once it was clicked.
ACKNOWLEDGE, ACKNOWLEDGED = "Got it", "Seen ✓"


def nudge_ref(nudge_id: int) -> str:
    return f"{NUDGE}:{nudge_id}"


def digest_message(entries: Sequence[tuple[Nudge, Line]], kinds: Kinds) -> Payload:
    """The DM: a short intro, then one section per kind of attention, each line with its buttons."""
    ordered = sorted(entries, key=lambda e: (kinds.order(e[0].kind), e[0].id))
    lines: dict[tuple[object, ...], tuple[Nudge, Line]] = {}
    for n, line in ordered:  # a news group reads once, as its first item
        lines.setdefault(kinds.group(n), (n, line))
    shown = list(lines.values())
    intro = f"Good morning! {plural(len(shown), 'thing')} worth a moment today."
    out: list[Block] = [mrkdwn(intro)]
    section = None
    for n, line in shown:
        kind = kinds.get(n.kind)
        name = kind.section if kind else FOR_YOU
        if name != section:
            section = name
            out.append(header(name))
        out.extend(item_blocks(n, line, kind))
    out.append(context("Change your nudge hour, working days or pause them with `/rapport settings`."))
    summary = "; ".join(_plain(line.text) for _, line in shown[:5])
    return {"text": clip(f"{intro} {summary}", 3000), "blocks": out}


def _plain(text: str) -> str:
    return text.replace("*", "")


def item_blocks(n: Nudge, line: Line, kind: Kind | None) -> list[Block]:
    """One digest line: how it ended, its own blocks, or its text and its kind's buttons."""
    text = line.text + (f"\n{line.context}" if line.context else "")
    if kind is not None and kind.news:
        if n.status == DONE:  # seen: still good news, so it reads as it did
            return [mrkdwn(text), context(ACKNOWLEDGED)]
        ref = nudge_ref(n.id)
        acknowledge = button(Action.DONE, ACKNOWLEDGE, ref)
        return [mrkdwn(text), {"type": "actions", "block_id": ITEM_BLOCK + ref, "elements": [acknowledge]}]
    if n.status == DONE:
        return [mrkdwn(f":white_check_mark: ~{_plain(line.text)}~ Done.")]
    if n.status == SNOOZED:
        return [mrkdwn(f":zzz: ~{_plain(line.text)}~ Snoozed.")]
    if line.blocks:
        return list(line.blocks)
    item: list[Block] = [mrkdwn(text)]
    offers = kind.offers if kind else ()
    if offers:
        item.append(item_actions(nudge_ref(n.id), offers))
    return item
