"""Block Kit for the daily digest: a short intro, then a section per kind of attention, each item
with its buttons (the same as on every due item: `bot.relationships.render.due.item_actions`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.outbox import Nudge
from bot.nudges.kinds import FOR_YOU, Kinds, Line
from bot.nudges.statuses import DONE, SNOOZED
from bot.platform.blocks import Block, Payload, clip, context, header, mrkdwn
from bot.relationships.render.due import item_actions

NUDGE = "n"  # a digest item's ref: "n:<nudge id>"


def nudge_ref(nudge_id: int) -> str:
    return f"{NUDGE}:{nudge_id}"


def digest_message(entries: Sequence[tuple[Nudge, Line]], kinds: Kinds) -> Payload:
    """The DM: a short intro, then one section per kind of attention, each item with its buttons."""
    ordered = sorted(entries, key=lambda e: (kinds.order(e[0].kind), e[0].id))
    count = len(ordered)
    intro = f"Good morning! {count} thing{'s' if count != 1 else ''} worth a moment today."
    out: list[Block] = [mrkdwn(intro)]
    section = None
    for n, line in ordered:
        kind = kinds.get(n.kind)
        name = kind.section if kind else FOR_YOU
        if name != section:
            section = name
            out.append(header(name))
        out.extend(item_blocks(n, line, kind.offers if kind else ()))
    out.append(context("Change your nudge hour, working days or pause them with `/rapport settings`."))
    summary = "; ".join(_plain(line.text) for _, line in ordered[:5])
    return {"text": clip(f"{intro} {summary}", 3000), "blocks": out}


def _plain(text: str) -> str:
    return text.replace("*", "")


def item_blocks(n: Nudge, line: Line, offers: Sequence[str]) -> list[Block]:
    """One digest item: how it ended, its own blocks, or its text and the buttons it offers."""
    if n.status == DONE:
        return [mrkdwn(f":white_check_mark: ~{_plain(line.text)}~ Done.")]
    if n.status == SNOOZED:
        return [mrkdwn(f":zzz: ~{_plain(line.text)}~ Snoozed.")]
    if line.blocks:
        return list(line.blocks)
    item: list[Block] = [mrkdwn(line.text + (f"\n{line.context}" if line.context else ""))]
    if offers:
        item.append(item_actions(nudge_ref(n.id), offers))
    return item
