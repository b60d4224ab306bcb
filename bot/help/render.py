"""Rapport's own words: help, a command's usage, privacy, and the replies every domain shares."""

from __future__ import annotations

from bot.help.catalog import BY_NAME, COMMANDS, RAPPORT_ALIASES, RAPPORT_WORDS, did_you_mean
from bot.platform.blocks import Block, Payload, context, ephemeral, header, modal, mrkdwn
from bot.platform.mrkdwn import escape
from bot.platform.refusals import Refusal


def usage(command: str, problem: str | None = None) -> Payload:
    """Usage help for a command, after a short note of what went wrong (mrkdwn, if anything)."""
    spec = BY_NAME[command]
    lines = "\n".join(f"• {line}" for line in spec.usage)
    intro = f"{problem}\n" if problem else ""
    return ephemeral(f"{intro}{spec.summary}. Try:\n{lines}")


def refused(refusal: Refusal | None, command: str) -> Payload:
    """A refusal as the answer to `command`: its words, then the usage when it asks for it
    (no refusal, nothing understood: the usage alone)."""
    if refusal is None:
        return usage(command)
    return usage(command, refusal.text) if refusal.usage else ephemeral(refusal.text)


def rapport_usage(word: str) -> Payload:
    """`/rapport` alone, or with a word it does not know: the word it was probably meant as
    (`hlep` → `help`), else what `/rapport` does."""
    if not word:
        return usage("/rapport")
    said = f"I don't know `{escape(word[:40])}`."
    guess = did_you_mean(word, [*RAPPORT_WORDS, *RAPPORT_ALIASES])
    guess = RAPPORT_ALIASES.get(guess or "", guess)
    if guess is None:
        return usage("/rapport", said)
    return ephemeral(f"{said} Did you mean `/rapport {guess}`? (`/rapport help` lists everything.)")


def not_synced() -> Payload:
    """For someone the directory has not caught up with yet."""
    return ephemeral("I don't know you yet — try again in a minute, after Rapport syncs.")


def privacy_message() -> Payload:
    """What Rapport keeps and who can see it (`/rapport privacy`)."""
    return ephemeral(
        "What Rapport keeps, and who sees it:\n"
        "• *Only you*: what you `/log` — notes, topics, follow-ups, keep-in-touch reminders and your "
        "history. It never appears in a channel, in anyone else's DM, or in another workspace.\n"
        "• *Everyone in this workspace*: skills you declare, endorsements of skills Rapport knows or "
        "that you accepted (others wait for your OK, seen by you alone), kudos, and the celebrations "
        "you agreed to: Rapport asks you before the first public post about you.\n"
        "• *From Slack's directory*: names, titles and time zones, so nudges come at your local morning.\n"
        "• *Your birthday*: shown as month and day only, never the year, and only if you agree.\n"
        "• *Public channels Rapport was invited to*: which skills your messages showed (threads you "
        "answered, links and code you shared), with links to them; never their text, and never DMs, "
        "group DMs or private channels. `/skills` shows what was learned (Hide any of it); turn it off "
        "in `/rapport settings` and it is deleted at once; admins can turn it off for everyone; "
        "it goes when you leave the workspace.\n"
        "Opt out of celebrations, of showing your birthday or of colleagues being reminded about you in "
        "`/rapport settings`; `/skills remove` hides any endorsement of you; "
        "`/rapport birthday forget` removes your birthday; `/log` answers have an Undo that really deletes."
    )


def help_blocks() -> list[Block]:
    """What Rapport does and every command's usage (also the foot of the Home tab)."""
    blocks: list[Block] = [
        header("Rapport helps you build relationships at work"),
        mrkdwn(
            "Know *who knows what*, *remember and follow up* on conversations, *keep in touch* "
            "on a cadence, and *celebrate* colleagues' wins and milestones. What you log is "
            "private to you."
        ),
    ]
    blocks += [mrkdwn(f"*{spec.name}* — {spec.summary}\n" + "\n".join(spec.usage)) for spec in COMMANDS]
    return blocks


def help_message() -> Payload:
    blocks = help_blocks()
    blocks.append(context("Each morning on your working days you may get one short DM with what is due."))
    return ephemeral("Rapport help: " + ", ".join(c.name for c in COMMANDS), blocks)


def apology(ref: str | None = None) -> Payload:
    """The apology for a failure; `ref` is the short id its error log line carries too."""
    said = f"Sorry, something went wrong (ref {ref})." if ref else "Sorry, something went wrong on our side."
    return ephemeral(
        f"{said} Please try again in a moment; if it keeps happening, tell your Slack admin"
        + (f" and quote ref {ref}." if ref else ".")
    )


def apology_modal(ref: str | None = None) -> Payload:
    return modal("Rapport", [mrkdwn(apology(ref)["text"])])


def upgrading() -> Payload:
    """While the database waits for its migrations (`rapport db upgrade`)."""
    return ephemeral("Rapport is being upgraded, try again in a minute.")


def upgrading_modal() -> Payload:
    return modal("Rapport", [mrkdwn(upgrading()["text"])])
