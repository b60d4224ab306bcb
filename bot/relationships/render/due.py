"""Block Kit for what is due: an item with its buttons (Done, Snooze, Log it), `/followups`, and
`/rapport keep-in-touch`.

`item_actions` is every item's buttons, wherever it is shown (the daily digest's own items too),
so one listener serves them all (`handlers/nudges.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from bot.platform.blocks import Block, Payload, button, clip, context, ephemeral, mrkdwn, option, plain
from bot.platform.clock import local_date
from bot.platform.days import day, in_full
from bot.platform.mrkdwn import escape, mention
from bot.relationships.cadences import KeepInTouch
from bot.relationships.due import FOLLOW_UP, SNOOZE_SPANS, DueItem
from bot.relationships.ids import ITEM_BLOCK, OFFERS, Action, Offer

MESSAGE_ITEMS = 20  # two blocks each, within a message's 50
SNIPPET = 200
PRIVATE = "Only you can see this."


def every(days: int) -> str:
    """An interval in words: every week, every 6 weeks, every month, every 10 days."""
    for unit, size in (("year", 365), ("quarter", 91), ("month", 30), ("week", 7)):
        if days % size == 0:
            n = days // size
            return f"every {unit}" if n == 1 else f"every {n} {unit}s"
    return "every day" if days == 1 else f"every {days} days"


def snippet(note: str) -> str:
    return escape(clip(" ".join(note.split()), SNIPPET))


def topics_words(topics: list[str]) -> str:
    return " ".join(f"`#{escape(t)}`" for t in topics)


def logged_line(at: datetime, note: str, topics: str, today: date, tz: str) -> str:
    """When the author logged a talk, what they noted and its topics (private: theirs only)."""
    said = f": “{snippet(note)}”" if note else ""
    about = f" · {topics_words(topics.split())}" if topics.strip() else ""
    return f"_Logged {day(local_date(at, tz), today)}{said}_{about}"


def _due_words(item: DueItem, today: date) -> str:
    if item.due_on < today:
        return f"overdue since {day(item.due_on, today)}"
    return f"due {day(item.due_on, today)}"


def item_text(item: DueItem, today: date, tz: str) -> str:
    """One line saying what is due about whom, and a second with the private context."""
    line = f"*{headline(item.kind, item.person.user_id)}* · {_due_words(item, today)}"
    if item.kind == FOLLOW_UP:
        if item.logged_at is not None:
            line += "\n" + logged_line(item.logged_at, item.note, item.topics, today, tz)
        return line
    last = (
        f"last contact {day(local_date(item.last_contact_at, tz), today)}"
        if item.last_contact_at
        else "no contact logged yet"
    )
    about = f" · {topics_words(item.topics.split())}" if item.topics.strip() else ""
    return line + f"\n_Keeping in touch {every(item.every_days or 0)} · {last}_{about}"


def headline(kind: str, user_id: str) -> str:
    """What is due about whom, in a few words: "Follow up with @bob", "Catch up with @ann"."""
    return f"Follow up with {mention(user_id)}" if kind == FOLLOW_UP else f"Catch up with {mention(user_id)}"


def item_actions(ref: str, offers: Collection[str] = OFFERS) -> Block:
    """The item's buttons: Done, Snooze (1 day, 1 week, or until a picked date), Log it."""
    elements = []
    if Offer.DONE in offers:
        elements.append(button(Action.DONE, "Done", ref, style="primary"))
    if Offer.SNOOZE in offers:
        elements.append(
            {
                "type": "static_select",
                "action_id": Action.SNOOZE,
                "placeholder": plain("Snooze"),
                "options": [option(f"Snooze {label}", code) for code, (label, _) in SNOOZE_SPANS.items()],
            }
        )
        elements.append(
            {"type": "datepicker", "action_id": Action.SNOOZE_UNTIL, "placeholder": plain("Snooze until…")}
        )
    if Offer.LOG in offers:
        elements.append(button(Action.LOG_IT, "Log it", ref))
    return {"type": "actions", "block_id": ITEM_BLOCK + ref, "elements": elements}


def due_item(item: DueItem, today: date, tz: str) -> list[Block]:
    """An item and its buttons (two blocks)."""
    return [mrkdwn(item_text(item, today, tz)), item_actions(item.ref)]


def followups_message(
    items: list[DueItem], today: date, tz: str, *, note: str | None = None, offset: int = 0
) -> Payload:
    """/followups: open follow-ups (overdue first) and who is due for a catch-up, MESSAGE_ITEMS
    at a time from `offset` (a page past the end shows the last); after a click, what it did
    (`note`) comes first."""
    if not items:
        message = ephemeral(
            "Nothing to follow up on. Log a conversation with `/log @colleague what happened "
            "follow up in 2 weeks`, or keep in touch with `/rapport keep-in-touch @colleague every 6 weeks`."
        )
        if note:
            message["blocks"] = [context(note), mrkdwn(message["text"])]
        return message
    last_page = (len(items) - 1) // MESSAGE_ITEMS * MESSAGE_ITEMS
    offset = min(max(0, offset) // MESSAGE_ITEMS * MESSAGE_ITEMS, last_page)
    page = items[offset : offset + MESSAGE_ITEMS]
    overdue = sum(i.due_on < today for i in items)
    summary = f"{len(items)} open" + (f", {overdue} overdue" if overdue else "")
    shown = f" · {offset + 1}–{offset + len(page)}" if len(items) > MESSAGE_ITEMS else ""
    blocks: list[Block] = [context(note)] if note else []
    blocks.append(mrkdwn(f"*Your follow-ups* ({summary}{shown}) — only you can see these."))
    for item in page:
        blocks += due_item(item, today, tz)
    after = len(items) - offset - len(page)
    if after:
        blocks.append(context(f"…and {after} more, due later."))
        blocks.append(_page_button(f"Show {min(after, MESSAGE_ITEMS)} more", offset + MESSAGE_ITEMS))
    elif offset:
        blocks.append(_page_button("Back to the first", 0))
    return ephemeral(f"Your follow-ups: {summary}", blocks)


def _page_button(text: str, offset: int) -> Block:
    return {"type": "actions", "elements": [button(Action.FOLLOWUPS_PAGE, text, str(offset))]}


def page_of(value: str) -> int:
    """Where the page a /followups page button asks for starts (0 for anything else)."""
    return int(value) if value.isdigit() and len(value) < 6 else 0


def settle(blocks: list[Block], block_id: str, text: str) -> list[Block]:
    """`blocks` with the item's buttons replaced by a line saying what was done."""
    return [context(text) if b.get("block_id") == block_id else b for b in blocks]


def keep_in_touch_reply(result: KeepInTouch) -> Payload:
    """What `/rapport keep-in-touch …` did, or the person's current list."""
    today = result.today
    lines: list[str] = []
    if result.refused:
        lines.append(result.refused.text)
    for cadence in result.started:
        who = mention(result.people[cadence.contact_id].user_id)
        lines.append(
            f"I'll remind you to catch up with {who} {every(cadence.every_days)}; "
            f"next on {in_full(cadence.next_due_on, today)}. "
            "Any interaction you log with them starts the clock over."
        )
    lines += [f"Stopped keeping in touch with {mention(m.user_id)}." for m in result.stopped]
    lines += [f"You weren't keeping in touch with {mention(m.user_id)}." for m in result.not_found]
    skipped = [f"{mention(uid)} (not found in this workspace)" for uid in result.unknown]
    skipped += [f"{escape(m.label)} ({'a bot' if m.is_bot else 'deactivated'})" for m in result.inactive]
    if skipped:
        lines.append("Skipped: " + ", ".join(skipped))
    if not (result.started or result.stopped or result.not_found):
        if result.listing:
            lines.append("*You keep in touch with:*")
            lines += [
                f"• {mention(c.person.user_id)} {every(c.cadence.every_days)}, "
                f"next {day(c.cadence.next_due_on, today)}"
                for c in result.listing[:40]
            ]
        lines.append(
            "`/rapport keep-in-touch @alice every 6 weeks` to add someone, `… @alice stop` to end it."
        )
    return ephemeral(clip("\n".join(lines), 3000), [mrkdwn("\n".join(lines)), context(PRIVATE)])
