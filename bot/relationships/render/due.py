"""Block Kit for what is due: one item with its buttons (Done, Snooze, Log it), and /followups.

`due_item` is what the daily digest reuses, so the buttons work wherever an item is shown.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.directory.members import valid_tz
from bot.platform.blocks import Block, clip, context, ephemeral, escape, mrkdwn
from bot.platform.mrkdwn import mention
from bot.relationships.cadences import KeepInTouch
from bot.relationships.followups import FOLLOW_UP, DueItem

# Action ids; one listener each (handlers/actions/followups.py). Items are named by block_id.
DONE = "rapport_done"
SNOOZE = "rapport_snooze"
SNOOZE_UNTIL = "rapport_snooze_until"
LOG_IT = "rapport_log_it"
ITEM_BLOCK = "rapport_item:"  # + the item's ref ("f:12", "c:3")
MESSAGE_ITEMS = 20  # two blocks each, within a message's 50
SNIPPET = 200


def day(d: date, today: date) -> str:
    """A date as people say it: today, tomorrow, Fri, Dec 4 (with the year when not this one)."""
    delta = (d - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"{d:%a, %b %-d}" + (f", {d.year}" if d.year != today.year else "")


def on_day(d: date, today: date) -> str:
    """A date said in full, with how far off it is: *Mon, Dec 7, 2026* (in 14 days)."""
    delta = (d - today).days
    away = {0: "today", 1: "tomorrow"}.get(delta, f"in {delta} days" if delta > 0 else f"{-delta} days ago")
    return f"*{d:%a, %b %-d, %Y}* ({away})"


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(valid_tz(tz))).date()


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
    return f"_Logged {day(local_day(at, tz), today)}{said}_{about}"


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
        f"last contact {day(local_day(item.last_contact_at, tz), today)}"
        if item.last_contact_at
        else "no contact logged yet"
    )
    about = f" · {topics_words(item.topics.split())}" if item.topics.strip() else ""
    return line + f"\n_Keeping in touch {every(item.every_days or 0)} · {last}_{about}"


def headline(kind: str, user_id: str) -> str:
    """What is due about whom, in a few words: "Follow up with @bob", "Catch up with @ann"."""
    return f"Follow up with {mention(user_id)}" if kind == FOLLOW_UP else f"Catch up with {mention(user_id)}"


def item_actions(ref: str) -> Block:
    """Done, Snooze (1 day, 1 week), Pick a date, Log it — for the item `ref`."""
    return {
        "type": "actions",
        "block_id": ITEM_BLOCK + ref,
        "elements": [
            {
                "type": "button",
                "action_id": DONE,
                "text": {"type": "plain_text", "text": "Done"},
                "style": "primary",
                "value": ref,
            },
            {
                "type": "static_select",
                "action_id": SNOOZE,
                "placeholder": {"type": "plain_text", "text": "Snooze"},
                "options": [
                    {"text": {"type": "plain_text", "text": "Snooze 1 day"}, "value": "1d"},
                    {"text": {"type": "plain_text", "text": "Snooze 1 week"}, "value": "1w"},
                ],
            },
            {
                "type": "datepicker",
                "action_id": SNOOZE_UNTIL,
                "placeholder": {"type": "plain_text", "text": "Snooze until…"},
            },
            {
                "type": "button",
                "action_id": LOG_IT,
                "text": {"type": "plain_text", "text": "Log it"},
                "value": ref,
            },
        ],
    }


def due_item(item: DueItem, today: date, tz: str) -> list[Block]:
    """An item and its buttons (two blocks)."""
    return [mrkdwn(item_text(item, today, tz)), item_actions(item.ref)]


def ref_of(block_id: str) -> str:
    """The item ref a button's block names ("" when it names none)."""
    return block_id.removeprefix(ITEM_BLOCK) if block_id.startswith(ITEM_BLOCK) else ""


def followups_message(items: list[DueItem], today: date, tz: str) -> dict[str, Any]:
    """/followups: open follow-ups (overdue first) and who is due for a catch-up."""
    if not items:
        return ephemeral(
            "Nothing to follow up on. Log a conversation with `/log @colleague what happened "
            "follow up in 2 weeks`, or keep in touch with `/rapport keep-in-touch @colleague every 6 weeks`."
        )
    overdue = sum(i.due_on < today for i in items)
    summary = f"{len(items)} open" + (f", {overdue} overdue" if overdue else "")
    blocks: list[Block] = [mrkdwn(f"*Your follow-ups* ({summary}) — only you can see these.")]
    for item in items[:MESSAGE_ITEMS]:
        blocks += due_item(item, today, tz)
    if len(items) > MESSAGE_ITEMS:
        blocks.append(context(f"…and {len(items) - MESSAGE_ITEMS} more, due later."))
    return ephemeral(f"Your follow-ups: {summary}", blocks)


def settle(blocks: list[Block], block_id: str, text: str) -> list[Block]:
    """`blocks` with the item's buttons replaced by a line saying what was done."""
    return [context(text) if b.get("block_id") == block_id else b for b in blocks]


def keep_in_touch_reply(result: KeepInTouch) -> dict[str, Any]:
    """What `/rapport keep-in-touch …` did, or the person's current list."""
    today = result.today
    lines: list[str] = []
    if result.problem:
        lines.append(escape(result.problem))
    for cadence in result.started:
        who = mention(result.people[cadence.contact_id].user_id)
        lines.append(
            f"I'll remind you to catch up with {who} {every(cadence.every_days)}; "
            f"next on {on_day(cadence.next_due_on, today)}. "
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
    return ephemeral(
        clip("\n".join(lines), 3000), [mrkdwn("\n".join(lines)), context("Only you can see this.")]
    )
