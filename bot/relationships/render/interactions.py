"""Block Kit for the relationship log: the /log answer with Undo, the log form, a person's history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.models import Member
from bot.models.relationships import GAVE, GOT
from bot.platform.blocks import Block, clip, context, ephemeral, escape, modal, mrkdwn, usage
from bot.platform.mrkdwn import mention
from bot.relationships.interactions import NOTE_LIMIT, Entry, HistoryPage, Logged
from bot.relationships.render.due import day, local_day, on_day, topics_words

UNDO = "rapport_undo"
FOLLOW_UP_ON = "rapport_follow_up_on"
HISTORY_PAGE = "rapport_history_page"
LOG_BLOCK = "rapport_log:"  # + interaction id
MODAL = "rapport_log"  # the log form's callback_id
LOGGED_MODAL = "rapport_logged"
PRIVATE = "Only you can see this."
HISTORY_PER_PAGE = 10


def people(members: list[Member]) -> str:
    return ", ".join(mention(m.user_id) for m in members)


def give_take_words(value: int | None) -> str:
    return {GAVE: "you helped", GOT: "they helped you"}.get(value or 0, "")


def _skipped(logged: Logged) -> str:
    parts = [f"{mention(uid)} (not found in this workspace)" for uid in logged.unknown]
    parts += [f"{escape(m.label)} ({'a bot' if m.is_bot else 'deactivated'})" for m in logged.inactive]
    return "Not logged for: " + ", ".join(parts) if parts else ""


def _summary(logged: Logged) -> list[Block]:
    today = logged.today
    when = day(local_day(logged.occurred_at, logged.author.tz), today) if logged.occurred_at else "today"
    lines = [f"*Logged privately* — with {people(logged.participants)}, {when}."]
    if logged.topics:
        lines.append(f"Topics: {topics_words(logged.topics)}")
    if logged.give_take:
        lines.append(f"Give and take: {give_take_words(logged.give_take)}")
    if logged.follow_up_on and logged.follow_up_about:
        lines.append(
            f"Follow up with {mention(logged.follow_up_about.user_id)} "
            f"on {on_day(logged.follow_up_on, today)}."
        )
    out = [mrkdwn("\n".join(lines))]
    if logged.note:
        out.append(mrkdwn(">" + escape(logged.note).replace("\n", "\n>")))
    return out


def _follow_up_picker(logged: Logged) -> Block:
    block = mrkdwn(escape(logged.follow_up_problem or "Add a follow-up?"))
    block["block_id"] = f"rapport_follow_up:{logged.interaction_id}"
    block["accessory"] = {
        "type": "datepicker",
        "action_id": FOLLOW_UP_ON,
        "placeholder": {"type": "plain_text", "text": "Follow up on…"},
    }
    return block


def _undo(interaction_id: int) -> Block:
    return {
        "type": "actions",
        "block_id": f"{LOG_BLOCK}{interaction_id}",
        "elements": [
            {
                "type": "button",
                "action_id": UNDO,
                "text": {"type": "plain_text", "text": "Undo"},
                "value": str(interaction_id),
                "confirm": {
                    "title": {"type": "plain_text", "text": "Delete this log?"},
                    "text": {"type": "plain_text", "text": "It will be gone for good, with its follow-up."},
                    "confirm": {"type": "plain_text", "text": "Delete"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                    "style": "danger",
                },
            }
        ],
    }


def logged_blocks(logged: Logged) -> list[Block]:
    """What was recorded, anything left out and why, and the Undo button."""
    assert logged.interaction_id is not None
    blocks = _summary(logged)
    if logged.follow_up_problem:
        blocks.append(_follow_up_picker(logged))
    notes = [n for n in (_skipped(logged), *map(escape, logged.remarks)) if n]
    blocks.append(context(" · ".join([*notes, PRIVATE])))
    blocks.append(_undo(logged.interaction_id))
    return blocks


def log_reply(logged: Logged) -> dict[str, Any]:
    """The /log answer: what was understood and recorded, or why nothing was."""
    if not logged.saved:
        problem = escape(logged.problem or "Nothing was recorded.")
        skipped = _skipped(logged)
        return usage("/log", f"{problem}\n{skipped}" if skipped else problem)
    who = ", ".join(escape(m.label) for m in logged.participants)
    return ephemeral(f"Logged privately with {who}", logged_blocks(logged))


UNDONE = "Undone: that log is deleted, with its follow-up."
NOT_UNDONE = "That log was already deleted."


# --------------------------------------------------------------------------------------------
# The log form (from /log with no text, the message shortcut and "Log it")
# --------------------------------------------------------------------------------------------


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    element = {"action_id": block_id, **element}
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def log_modal(
    today: date, *, user_ids: list[str] | None = None, link: str | None = None, closes: str | None = None
) -> dict[str, Any]:
    """The form: who, what happened, topics, when, follow-up date, who helped whom."""
    people_element: dict[str, Any] = {
        "type": "multi_users_select",
        "placeholder": {"type": "plain_text", "text": "Colleagues"},
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
        _input("people", "Who was it with?", people_element),
        _input(
            "note",
            "What happened",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": NOTE_LIMIT,
                "placeholder": {"type": "plain_text", "text": "Coffee about the migration; she's hiring"},
            },
            optional=True,
        ),
        _input(
            "topics",
            "Topics",
            {"type": "plain_text_input", "placeholder": {"type": "plain_text", "text": "infra, hiring"}},
            optional=True,
        ),
        _input("when", "When", {"type": "datepicker", "initial_date": today.isoformat()}),
        _input(
            "follow_up",
            "Follow up on",
            {"type": "datepicker", "placeholder": {"type": "plain_text", "text": "No follow-up"}},
            optional=True,
        ),
        _input(
            "give_take",
            "Give and take",
            {
                "type": "radio_buttons",
                "options": [
                    {"text": {"type": "plain_text", "text": "I helped them"}, "value": "gave"},
                    {"text": {"type": "plain_text", "text": "They helped me"}, "value": "got"},
                ],
            },
            optional=True,
        ),
    ]
    metadata = json.dumps({k: v for k, v in (("link", link), ("closes", closes)) if v})
    return modal(
        "Log interaction",
        body,
        callback_id=MODAL,
        submit={"type": "plain_text", "text": "Log"},
        close={"type": "plain_text", "text": "Cancel"},
        private_metadata=metadata,
    )


def logged_modal(logged: Logged) -> dict[str, Any]:
    """The form turned into its confirmation, with Undo."""
    return modal("Logged", logged_blocks(logged), callback_id=LOGGED_MODAL)


def undone_modal(text: str) -> dict[str, Any]:
    return modal("Logged", [mrkdwn(text)], callback_id=LOGGED_MODAL)


def form_error(logged: Logged) -> dict[str, Any]:
    """`response_action: errors` on the field the problem is about."""
    return {
        "response_action": "errors",
        "errors": {logged.problem_field or "people": clip(logged.problem or "Please check this.", 150)},
    }


# --------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------


def _entry(entry: Entry, author: Member, today: date, contact: Member | None) -> Block:
    others = [m for m in entry.people if contact is None or m.id != contact.id]
    head = [f"*{day(local_day(entry.occurred_at, author.tz), today)}*"]
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


def history_message(page: HistoryPage, author: Member, today: date) -> dict[str, Any]:
    """/rapport history @who: the author's own notes with someone, newest first, a page at a time."""
    who = mention(page.contact.user_id)
    if not page.entries and page.page == 0:
        return ephemeral(f"You haven't logged anything with {who} yet. Try `/log {who} what happened`.")
    blocks: list[Block] = [
        mrkdwn(f"*Your history with {who}*" + (f" · page {page.page + 1}" if page.page else ""))
    ]
    blocks += [_entry(e, author, today, page.contact) for e in page.entries]
    buttons = []
    if page.page > 0:
        buttons.append(_page_button("Newer", page.contact.user_id, page.page - 1))
    if page.has_more:
        buttons.append(_page_button("Older", page.contact.user_id, page.page + 1))
    if buttons:
        blocks.append({"type": "actions", "block_id": "rapport_history", "elements": buttons})
    blocks.append(context(PRIVATE))
    return ephemeral(f"Your history with {escape(page.contact.label)}", blocks)


def _page_button(label: str, user_id: str, page: int) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": f"{HISTORY_PAGE}_{label.lower()}",
        "text": {"type": "plain_text", "text": label},
        "value": f"{user_id}:{page}",
    }
