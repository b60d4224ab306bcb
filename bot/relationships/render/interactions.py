"""Block Kit for the relationship log: the /log answer with Undo, the log form (and reading it
back), a person's history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.help.render import refused, usage
from bot.models import Member
from bot.models.relationships import GAVE, GOT
from bot.platform.blocks import (
    Block,
    Payload,
    button,
    clip,
    context,
    ephemeral,
    input_block,
    modal,
    mrkdwn,
    option,
    picked_date,
    plain,
)
from bot.platform.clock import local_date
from bot.platform.days import day, in_full
from bot.platform.mrkdwn import escape, escape_once, mention
from bot.relationships.ids import HISTORY_BLOCK, LOG_BLOCK, Action, Field, View, follow_up_block
from bot.relationships.interactions import NOTE_LIMIT, Draft, Entry, HistoryPage, HistoryReply, Logged
from bot.relationships.logtext import topic_words
from bot.relationships.render.due import PRIVATE, topics_words

UNDONE = "Undone: that log is deleted."
UNDONE_WITH_FOLLOW_UP = "Undone: that log is deleted, with its follow-up."
UNDONE_WITH_FOLLOW_UPS = "Undone: that log is deleted, with its follow-ups."
NOT_UNDONE = "That log was already deleted."


def people(members: list[Member]) -> str:
    return ", ".join(mention(m.user_id) for m in members)


def undone(follow_ups: int) -> str:
    """What Undo says it deleted."""
    return {0: UNDONE, 1: UNDONE_WITH_FOLLOW_UP}.get(follow_ups, UNDONE_WITH_FOLLOW_UPS)


def _and(members: list[Member]) -> str:
    said = [mention(m.user_id) for m in members]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def give_take_words(value: int | None) -> str:
    return {GAVE: "you helped", GOT: "they helped you"}.get(value or 0, "")


def _skipped(logged: Logged) -> str:
    parts = [f"{mention(uid)} (not found in this workspace)" for uid in logged.unknown]
    parts += [f"{escape(m.label)} ({'a bot' if m.is_bot else 'deactivated'})" for m in logged.inactive]
    return "Not logged for: " + ", ".join(parts) if parts else ""


def _summary(logged: Logged) -> list[Block]:
    today = logged.today
    when = day(local_date(logged.occurred_at, logged.author.tz), today) if logged.occurred_at else "today"
    lines = [f"*Logged privately* — with {people(logged.participants)}, {when}."]
    if logged.topics:
        lines.append(f"Topics: {topics_words(logged.topics)}")
    if logged.give_take:
        lines.append(f"Give and take: {give_take_words(logged.give_take)}")
    for person, due in logged.closed:
        lines.append(
            f"Closed your follow-up with {mention(person.user_id)} from {day(due, today)}: you talked."
        )
    out = [mrkdwn("\n".join(lines))]
    if logged.follow_up_on and logged.follow_up_with:
        out.append(_follow_up_set(logged))
    if logged.note:
        out.append(mrkdwn(">" + escape(logged.note).replace("\n", "\n>")))
    return out


def _picker_block(logged: Logged, text: str, initial: date | None) -> Block:
    """A section with the follow-up date picker beside it: one click sets or moves the date."""
    block = mrkdwn(text)
    block["block_id"] = follow_up_block(logged.interaction_id or 0, logged.follow_up_named)
    picker: dict[str, Any] = {
        "type": "datepicker",
        "action_id": Action.FOLLOW_UP_ON,
        "placeholder": plain("Follow up on…"),
    }
    if initial is not None:
        picker["initial_date"] = initial.isoformat()
    block["accessory"] = picker
    return block


def _follow_up_set(logged: Logged) -> Block:
    assert logged.follow_up_on is not None
    text = f"Follow up with {_and(logged.follow_up_with)} on {in_full(logged.follow_up_on, logged.today)}"
    if logged.follow_up_said:
        how = f": {escape(logged.follow_up_rule)}" if logged.follow_up_rule else ""
        said = escape_once(logged.follow_up_said)  # Slack-escaped as typed: escaped once, not twice
        text += f"\n_From “{said}”{how}. Not what you meant? Pick the date here._"
    return _picker_block(logged, text, logged.follow_up_on)


def _follow_up_picker(logged: Logged) -> Block:
    return _picker_block(
        logged, logged.follow_up_refused.text if logged.follow_up_refused else "Add a follow-up?", None
    )


def _undo(interaction_id: int, follow_ups: int) -> Block:
    undo = button(Action.UNDO, "Undo", str(interaction_id))
    gone = {0: "", 1: ", with its follow-up"}.get(follow_ups, ", with its follow-ups")
    undo["confirm"] = {
        "title": plain("Delete this log?"),
        "text": plain(f"It will be gone for good{gone}."),
        "confirm": plain("Delete"),
        "deny": plain("Keep"),
        "style": "danger",
    }
    return {"type": "actions", "block_id": f"{LOG_BLOCK}{interaction_id}", "elements": [undo]}


def logged_blocks(logged: Logged) -> list[Block]:
    """What was recorded, anything left out and why, and the Undo button."""
    assert logged.interaction_id is not None
    blocks = _summary(logged)
    if logged.follow_up_refused:
        blocks.append(_follow_up_picker(logged))
    notes = [n for n in (_skipped(logged), *map(escape, logged.remarks)) if n]
    blocks.append(context(" · ".join([*notes, PRIVATE])))
    follow_ups = len(logged.follow_up_with) if logged.follow_up_on else 0
    blocks.append(_undo(logged.interaction_id, follow_ups))
    return blocks


def log_reply(logged: Logged) -> Payload:
    """The /log answer: what was understood and recorded, or why nothing was."""
    if not logged.saved:
        problem = logged.refused.text if logged.refused else "Nothing was recorded."
        skipped = _skipped(logged)
        return usage("/log", f"{problem}\n{skipped}" if skipped else problem)
    who = ", ".join(escape(m.label) for m in logged.participants)
    return ephemeral(f"Logged privately with {who}", logged_blocks(logged))


# --------------------------------------------------------------------------------------------
# The log form (from /log with no text, the message shortcut and "Log it")
# --------------------------------------------------------------------------------------------


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    """An input whose element's action id is its block's (so the form reads back by block id)."""
    return input_block(block_id, label, {"action_id": block_id, **element}, optional=optional)


def log_modal(
    today: date, *, user_ids: list[str] | None = None, link: str | None = None, closes: str | None = None
) -> Payload:
    """The form: who, what happened, topics, when, follow-up date, who helped whom."""
    people_element: dict[str, Any] = {
        "type": "multi_users_select",
        "placeholder": plain("Colleagues"),
        "max_selected_items": 25,
    }
    if user_ids:
        people_element["initial_users"] = user_ids
    body: list[Block] = []
    if link:
        body.append(context(f"From <{link}|this message>. {PRIVATE}"))
    else:
        body.append(context(f"What you log is private: {PRIVATE.lower()}"))
    body += [
        _input(Field.PEOPLE, "Who was it with?", people_element),
        _input(
            Field.NOTE,
            "What happened",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": NOTE_LIMIT,
                "placeholder": plain("Coffee about the migration; she's hiring"),
            },
            optional=True,
        ),
        _input(
            Field.TOPICS,
            "Topics",
            {"type": "plain_text_input", "placeholder": plain("infra, hiring")},
            optional=True,
        ),
        _input(Field.WHEN, "When", {"type": "datepicker", "initial_date": today.isoformat()}),
        _input(
            Field.FOLLOW_UP,
            "Follow up on",
            {"type": "datepicker", "placeholder": plain("No follow-up")},
            optional=True,
        ),
        _input(
            Field.GIVE_TAKE,
            "Give and take",
            {
                "type": "radio_buttons",
                "options": [option("I helped them", "gave"), option("They helped me", "got")],
            },
            optional=True,
        ),
    ]
    metadata = json.dumps({k: v for k, v in (("link", link), ("closes", closes)) if v})
    return modal(
        "Log interaction",
        body,
        callback_id=View.LOG,
        submit=plain("Log"),
        close=plain("Cancel"),
        private_metadata=metadata,
    )


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    return dict((values.get(block) or {}).get(block) or {})


def read_form(view: dict[str, Any]) -> Draft:
    """The submitted form as a draft (the core checks it)."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    give_take = (_value(values, Field.GIVE_TAKE).get("selected_option") or {}).get("value")
    return Draft(
        user_ids=[u for u in _value(values, Field.PEOPLE).get("selected_users") or [] if isinstance(u, str)],
        note=str(_value(values, Field.NOTE).get("value") or ""),
        topics=topic_words(str(_value(values, Field.TOPICS).get("value") or "")),
        give_take={"gave": GAVE, "got": GOT}.get(give_take or ""),
        occurred_on=picked_date(_value(values, Field.WHEN).get("selected_date")),
        follow_up_on=picked_date(_value(values, Field.FOLLOW_UP).get("selected_date")),
        link=meta.get("link") if isinstance(meta.get("link"), str) else None,
        closes=meta.get("closes") if isinstance(meta.get("closes"), str) else None,
    )


def logged_modal(logged: Logged) -> Payload:
    """The form turned into its confirmation, with Undo."""
    return modal("Logged", logged_blocks(logged), callback_id=View.LOGGED)


def undone_modal(text: str) -> Payload:
    return modal("Logged", [mrkdwn(text)], callback_id=View.LOGGED)


def form_answer(logged: Logged) -> Payload:
    """The form's answer: its confirmation, or `response_action: errors` on the field it is about."""
    if logged.saved:
        return {"response_action": "update", "view": logged_modal(logged)}
    field = logged.refused.field if logged.refused else None
    text = logged.refused.text if logged.refused else "Please check this."
    return {"response_action": "errors", "errors": {field or Field.PEOPLE: clip(text, 150)}}


# --------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------


def _entry(entry: Entry, author: Member, today: date, contact: Member | None) -> Block:
    others = [m for m in entry.people if contact is None or m.id != contact.id]
    head = [f"*{day(local_date(entry.occurred_at, author.tz), today)}*"]
    if others:
        head.append(("also " if contact else "with ") + people(others))
    if entry.topics:
        head.append(topics_words(entry.topics))
    if entry.give_take:
        head.append(give_take_words(entry.give_take))
    if entry.link:
        head.append(f"<{entry.link}|message>")
    text = " · ".join(head)
    if entry.note:
        text += "\n" + escape(clip(entry.note, 2500))
    return mrkdwn(text)


def entry_block(entry: Entry, author: Member, today: date) -> Block:
    return _entry(entry, author, today, None)


def history_reply(reply: HistoryReply) -> Payload:
    """/rapport history @who: the author's own notes with someone, or why not."""
    if reply.refused:
        return refused(reply.refused, "/rapport")
    if reply.page is None or reply.author is None:
        return usage("/rapport")
    return history_message(reply.page, reply.author, reply.today)


def history_message(page: HistoryPage, author: Member, today: date) -> Payload:
    """The author's own notes with someone, newest first, a page at a time."""
    who = mention(page.contact.user_id)
    if not page.entries and page.page == 0:
        return ephemeral(f"You haven't logged anything with {who} yet. Try `/log {who} what happened`.")
    blocks: list[Block] = [
        mrkdwn(f"*Your history with {who}*" + (f" · page {page.page + 1}" if page.page else ""))
    ]
    blocks += [_entry(e, author, today, page.contact) for e in page.entries]
    buttons = []
    if page.page > 0:
        buttons.append(button(Action.HISTORY_NEWER, "Newer", f"{page.contact.user_id}:{page.page - 1}"))
    if page.has_more:
        buttons.append(button(Action.HISTORY_OLDER, "Older", f"{page.contact.user_id}:{page.page + 1}"))
    if buttons:
        blocks.append({"type": "actions", "block_id": HISTORY_BLOCK, "elements": buttons})
    blocks.append(context(PRIVATE))
    return ephemeral(f"Your history with {escape(page.contact.label)}", blocks)


def read_history_page(value: str) -> tuple[str, int]:
    """The person and page a Newer / Older button asks for."""
    user, _, page = value.rpartition(":")
    return user, int(page) if page.isdigit() else 0
