"""Block Kit rendering as pure functions: data in, Slack payloads out."""

from __future__ import annotations

from typing import Any

from bot.directory.personal_dates import Birthday
from bot.help.catalog import BY_NAME, COMMANDS

Block = dict[str, Any]

SECTION_LIMIT = 3000


def mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150), "emoji": True}}


def clip(text: str, limit: int) -> str:
    """Shorten display text to Slack's limit, saying so with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: no mentions, broadcasts or links can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """A reply only the person who typed the command sees."""
    message: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if blocks:
        message["blocks"] = blocks
    return message


def usage(command: str, problem: str | None = None) -> dict[str, Any]:
    """Usage help for a command, after a short note of what went wrong (if anything)."""
    spec = BY_NAME[command]
    lines = "\n".join(f"• {line}" for line in spec.usage)
    intro = f"{problem}\n" if problem else ""
    return ephemeral(f"{intro}{spec.summary}. Try:\n{lines}")


def not_synced() -> dict[str, Any]:
    """For someone the directory has not caught up with yet."""
    return ephemeral("I don't know you yet — try again in a minute, after Rapport syncs.")


def privacy_message() -> dict[str, Any]:
    """What Rapport keeps and who can see it (`/rapport privacy`)."""
    return ephemeral(
        "What Rapport keeps, and who sees it:\n"
        "• *Only you*: what you `/log` — notes, topics, follow-ups, keep-in-touch reminders and your "
        "history. It never appears in a channel, in anyone else's DM, or in another workspace.\n"
        "• *Everyone in this workspace*: skills you declare, endorsements, kudos, and the celebrations "
        "you have not opted out of.\n"
        "• *From Slack's directory*: names, titles and time zones, so nudges come at your local morning.\n"
        "• *Your birthday*: shown as month and day only, never the year, and only if you agree.\n"
        "Opt out of celebrations, of showing your birthday or of colleagues being reminded about you in "
        "`/rapport settings`; `/rapport birthday forget` removes your birthday; "
        "`/log` answers have an Undo that really deletes."
    )


def help_message() -> dict[str, Any]:
    blocks: list[Block] = [
        header("Rapport helps you build relationships at work"),
        mrkdwn(
            "Know *who knows what*, *remember and follow up* on conversations, *keep in touch* "
            "on a cadence, and *celebrate* colleagues' wins and milestones. What you log is "
            "private to you."
        ),
    ]
    for spec in COMMANDS:
        blocks.append(mrkdwn(f"*{spec.name}* — {spec.summary}\n" + "\n".join(spec.usage)))
    blocks.append(context("Each morning on your working days you may get one short DM with what is due."))
    return ephemeral("Rapport help: " + ", ".join(c.name for c in COMMANDS), blocks)


def apology() -> dict[str, Any]:
    return ephemeral(
        "Sorry, something went wrong on our side. "
        "Please try again in a moment; if it keeps happening, tell your Slack admin."
    )


def modal(title: str, body: list[Block], *, callback_id: str = "rapport", **extra: Any) -> dict[str, Any]:
    """A modal view; Slack caps titles at 24 characters."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": clip(title, 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": body,
    }
    view.update(extra)
    return view


def apology_modal() -> dict[str, Any]:
    return modal("Rapport", [mrkdwn(apology()["text"])])


def birthday_status(current: Birthday | None) -> dict[str, Any]:
    if current is None:
        return ephemeral(
            "Rapport doesn't know your birthday. Share it with `/rapport birthday MM-DD` "
            "(the year is never shown)."
        )
    return ephemeral(
        f"Rapport has your birthday as {current.shown()}. Change it with `/rapport birthday MM-DD`, "
        "or `/rapport birthday forget`."
    )


def birthday_saved(birthday: Birthday, *, celebrated: bool) -> dict[str, Any]:
    after = (
        "Your teammates will see it celebrated on the day (never the year)."
        if celebrated
        else "You opted out of birthday celebrations, so it stays private (`/rapport settings` changes that)."
    )
    kept = " I kept the year too, privately." if birthday.year else ""
    return ephemeral(f"Thanks! Your birthday is {birthday.shown()}.{kept} {after}")
