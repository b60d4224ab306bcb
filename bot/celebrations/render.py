"""Block Kit for celebrations: the daily post, the consent DM, and the consent and admins' settings.

Posts read like a person wrote them: a few intros, chosen from the post's date, so a retried
send renders the very same text and consecutive posts vary. A title is text anyone who edits
profiles may have typed ("CEO - DM me your SSO code at https://sso.example <!channel>"): it is
shown through `mrkdwn.inert` (capped at `TITLE_LIMIT`, pinging and linking nothing) in blocks
whose text is `verbatim` (Slack links nothing there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.celebrations.ids import (
    AUTOMATIC_ZONE,
    CONSENT_BLOCK,
    LEARNING_ON,
    SHOWN_PREFIX,
    Action,
    Input,
    View,
)
from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, CELEBRATION_HOURS, PROMOTION, years_phrase
from bot.directory.render import skills_field_blocks
from bot.models import Member
from bot.models.activity import BACKFILLING, WATCHING
from bot.platform import days
from bot.platform.blocks import (
    Block,
    Payload,
    button,
    context,
    header,
    input_block,
    modal,
    mrkdwn,
    option,
    sections,
)
from bot.platform.mrkdwn import inert, mention
from bot.platform.words import plural

TITLE_LIMIT = 80  # characters of a title shown: a celebration, a question, a digest line
# A post stays readable (and far inside Slack's 50 blocks): beyond this, "…and N more".
MAX_LINES = 150


@dataclass(frozen=True)
class Celebrated:
    """One line of a daily post."""

    kind: str  # birthday | anniversary | promotion
    user_id: str
    occasion: date
    years: int | None = None
    title: str | None = None  # promotions: the new title, as Slack has it


_INTROS = (
    ":confetti_ball: Good morning! Here's what we're celebrating today:",
    ":sparkles: A few reasons to celebrate today:",
    ":balloon: Time to cheer for some teammates:",
    ":partying_face: Today's celebrations:",
)


def _when(occasion: date, post_date: date) -> str:
    """Nothing for today; "on Saturday" for a weekend occasion celebrated on Friday."""
    return "" if occasion == post_date else f" (on {occasion:%A})"


def _line(item: Celebrated, post_date: date) -> str:
    who = mention(item.user_id)
    when = _when(item.occasion, post_date)
    if item.kind == BIRTHDAY:
        return f":birthday: Happy birthday, {who}!{when}"
    if item.kind == ANNIVERSARY and item.years:
        return f":tada: {who} — {years_phrase(item.years)}{when}. Thank you for all of it!"
    if item.kind == PROMOTION:
        title = f", now *{inert(item.title, TITLE_LIMIT)}*" if item.title else ""
        return f":rocket: Congratulations {who}{title}!"
    return ""


def verbatim(block: Block) -> Block:
    """A section whose mrkdwn Slack shows as written: no auto-linked URLs, channels or mentions
    (Rapport's own `<@U…>` and `<#C…>` markup still works)."""
    if block.get("type") == "section" and (block.get("text") or {}).get("type") == "mrkdwn":
        block["text"]["verbatim"] = True
    return block


_ORDER = {BIRTHDAY: 0, ANNIVERSARY: 1, PROMOTION: 2}


def celebration_post(post_date: date, items: Sequence[Celebrated]) -> Payload | None:
    """The day's post grouping everyone celebrated; None when there is nobody."""
    lines = [
        line
        for item in sorted(items, key=lambda i: (_ORDER.get(i.kind, 9), i.occasion))
        if (line := _line(item, post_date))
    ]
    if not lines:
        return None
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES + 1
        lines = [*lines[: MAX_LINES - 1], f"…and {hidden} more. Congratulations, everyone!"]
    body = [mrkdwn(_INTROS[post_date.toordinal() % len(_INTROS)])]
    body += [verbatim(block) for block in sections(lines)]
    body.append(context("Celebrations you'd rather skip? `/rapport settings` lets you opt out."))
    names = ", ".join(mention(i.user_id) for i in items[:10])
    return {"text": f"Today we celebrate {names}", "blocks": body}


# -- the consent DM --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """A consent question about one occasion, as its DM shows it."""

    consent_id: int
    kind: str  # birthday | anniversary | promotion
    channel_id: str | None  # where it would be posted; None: nowhere (a promotion: the digest only)
    title: str | None = None  # promotions: the new title, as typed
    years: int | None = None  # anniversaries
    occasion: date | None = None  # birthdays and anniversaries: the day
    today: date | None = None  # the person's own today, to say the day as they would


def _channel(ask: Ask) -> str:
    return f"<#{ask.channel_id}>" if ask.channel_id else "the celebrations channel"


def _question(ask: Ask) -> tuple[str, str, str]:
    """(notification text, the question, what a yes means)."""
    if ask.kind == BIRTHDAY:
        when = days.on_day(ask.occasion, ask.today) if ask.occasion and ask.today else "coming up"
        return (
            f"Your birthday is {when}. Shall we wish you a happy birthday in the celebrations channel?",
            f":birthday: Your birthday is {when} — shall we wish you a happy birthday in {_channel(ask)}?",
            "I celebrate a birthday only once its owner says yes, so I'm asking first. If you say yes, "
            "I'll celebrate this one and the ones after it, never saying the year; `/rapport settings` "
            "changes that any time.",
        )
    if ask.kind == ANNIVERSARY:
        when = days.on_day(ask.occasion, ask.today) if ask.occasion and ask.today else "coming up"
        years = f"{ask.years}-year " if ask.years else ""
        return (
            f"Your {years}work anniversary is {when}. Celebrate it in the celebrations channel?",
            f":tada: Your {years}work anniversary is {when}. Celebrate it in {_channel(ask)}?",
            "If you say yes, I'll celebrate this one and the ones after it; "
            "`/rapport settings` changes that any time.",
        )
    title = f", *{inert(ask.title, TITLE_LIMIT)}*" if ask.title else ""
    if ask.channel_id is None:
        return (
            "Congratulations on your new role! May I tell the colleagues you work with?",
            f":tada: Congratulations on your new role{title}! "
            "May I tell the colleagues you work with, in their daily Rapport DM?",
            "Nothing is posted in a channel.",
        )
    return (
        "Congratulations on your new role! Celebrate it in the celebrations channel?",
        f":tada: Congratulations on your new role{title}! Celebrate it in {_channel(ask)}?",
        "If you say yes, it goes in the next daily celebrations post, and colleagues you work "
        "with may see it in their daily Rapport DM.",
    )


def consent_dm(ask: Ask) -> Payload:
    """The DM asking a person before anything about them is celebrated: Yes / Not now."""
    text, question, meaning = _question(ask)
    value = str(ask.consent_id)
    buttons = [
        button(Action.CONSENT_YES, "Yes, celebrate it", value, style="primary"),
        button(Action.CONSENT_NO, "Not now", value),
    ]
    return {
        "text": text,
        "blocks": [
            verbatim(mrkdwn(question)),
            context(f"Only you see this message. {meaning}"),
            {"type": "actions", "block_id": CONSENT_BLOCK, "elements": buttons},
        ],
    }


def consent_answered(ask: Ask, yes: bool, *, upcoming: bool = True, still_news: bool = True) -> Payload:
    """The consent DM once answered (updated in place): what was chosen, no buttons.

    `upcoming`: the birthday or anniversary asked about is still to be posted; `still_news`: the
    promotion is recent enough for the next post.
    """
    title = f", *{inert(ask.title, TITLE_LIMIT)}*," if ask.title else ""
    start = (
        f"starting {days.on_day(ask.occasion, ask.today)}"
        if upcoming and ask.occasion and ask.today
        else "from the next one"
    )
    if ask.kind == BIRTHDAY:
        if yes:
            text = (
                f":white_check_mark: You chose to have your birthday celebrated in {_channel(ask)}, "
                f"{start}. `/rapport settings` changes that any time."
            )
        else:
            text = (
                "OK, your birthday won't be posted, and I won't ask again. "
                "`/rapport settings` changes that any time."
            )
    elif ask.kind == ANNIVERSARY:
        if yes:
            text = (
                f":white_check_mark: You chose to celebrate your work anniversaries in {_channel(ask)}, "
                f"{start}. `/rapport settings` changes that any time."
            )
        else:
            text = (
                "OK, your work anniversaries won't be posted, and I won't ask again. "
                "`/rapport settings` changes that any time."
            )
    elif not yes:
        text = f"OK, your new role{title} won't be celebrated, and I won't ask about it again. Congrats!"
    elif not still_news:
        text = f"Thanks! Your new role{title} is more than a week old now, so I'll leave it. Congrats!"
    elif ask.channel_id is None:
        text = f":white_check_mark: You chose to tell colleagues of your new role{title} in their daily DM."
    else:
        text = (
            f":white_check_mark: You chose to celebrate your new role{title} in {_channel(ask)}: "
            "it goes in the next daily post. Congratulations!"
        )
    return {"text": "Thanks, noted.", "blocks": [verbatim(mrkdwn(text))]}


# -- settings ---------------------------------------------------------------------------------

# What a person agrees to (opt-in): ticked only when they said yes (sharing a birthday themselves
# is a yes); never choosing is not consent. (Promotions have no box: each new title is asked about
# by DM, it is new text.)
AGREE = (
    ("celebrate_anniversaries", "Celebrate my work anniversaries", "In the celebrations channel"),
    ("celebrate_birthday", "Celebrate my birthday", "In the celebrations channel (never the year)"),
)
# What a person keeps out (opt-out): ticked when its field is False. Kudos are a colleague's
# thanks, reminders are private to the circle; a private birthday is in neither.
KEEP_OUT = (
    ("show_birthday", "Keep my birthday private", "Not posted, not in reminders (the year never is)"),
    ("nudge_others_about_me", "Don't remind colleagues about me", "Your occasions in their daily DM"),
    ("celebrate_publicly", "Leave me out of the celebrations channel", "No posts about me at all, kudos too"),
)


def consent_blocks(member: Member) -> list[Block]:
    agree = [option(text, field, description=description) for field, text, description in AGREE]
    keep_out = [option(text, field, description=description) for field, text, description in KEEP_OUT]
    agreed = [o for o in agree if getattr(member, o["value"]) is True]
    kept_out = [o for o in keep_out if getattr(member, o["value"]) is False]
    blocks = [
        header("Celebrations"),
        context(
            "Before your first work anniversary, a birthday you didn't share yourself or a new title "
            "is celebrated in public, Rapport asks you by DM; no answer means no."
        ),
        input_block(Input.CONSENT, "I agree to", _checkboxes(agree, agreed), optional=True),
        input_block(Input.PRIVACY, "Privacy", _checkboxes(keep_out, kept_out), optional=True),
    ]
    if member.is_admin:  # others never see the workspace's settings (saving them asks Slack again)
        blocks += [
            context(
                "*Workspace settings* (admins and owners): the celebrations' channel, hour, time zone "
                "and promotions; the skills profile field; the public channels Rapport learns from."
            ),
            {
                "type": "actions",
                "block_id": Input.ADMINS,
                "elements": [button(Action.CHANGE_WORKSPACE, "Change workspace settings")],
            },
        ]
    return blocks


def _checkboxes(options: list[dict[str, Any]], chosen: list[dict[str, Any]]) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": options}
    if chosen:
        element["initial_options"] = chosen
    return element


@dataclass(frozen=True)
class Reading:
    """A public channel Rapport reads (`expertise.channels.progress`), as the admins' modal shows it."""

    channel_id: str
    state: str  # bot.models.activity: backfilling | watching
    pages: int
    messages: int  # read so far, backfill and events alike
    done_on: date | None = None  # the backfill's last page, as a local date


@dataclass(frozen=True)
class WorkspaceChoices:
    """A workspace's celebration settings as the admins' modal shows them."""

    channel_id: str | None
    hour: int
    tz: str | None  # None: automatic (the most common zone among members)
    automatic_tz: str
    zones: list[str]  # the zones members are in, to choose from
    promotion_posts: bool
    birthday_field: str
    skills_field: str = ""
    learn_from_channels: bool = True
    reading: Sequence[Reading] = ()  # the public channels Rapport reads, oldest first
    today: date | None = None  # the admin's own today, to say when a backfill was done


MAX_READING_LINES = 40  # progress lines shown (the modal's 100 blocks hold the rest of it too)


def _counted(n: int, word: str) -> str:
    """`words.plural`, with thousands separated: "1,204 messages"."""
    return f"{n:,}{plural(n, word)[len(str(n)) :]}"


def reading_line(reading: Reading, today: date | None) -> str:
    """ "<#C1> — backfilling, 3 pages, 412 messages so far", "<#C1> — done Wed, Dec 2, 1,204 messages"."""
    where = f"<#{reading.channel_id}>"
    messages = _counted(reading.messages, "message")
    if reading.state == BACKFILLING:
        if not reading.pages:
            return f"{where} — backfill starting"
        return f"{where} — backfilling, {_counted(reading.pages, 'page')}, {messages} so far"
    if reading.done_on is not None and today is not None:
        return f"{where} — done {days.day(reading.done_on, today)}, {messages}"
    return f"{where} — read, {messages}"


def _read(choices: WorkspaceChoices) -> list[Reading]:
    return [r for r in choices.reading if r.state in (BACKFILLING, WATCHING)]


def reading_blocks(choices: WorkspaceChoices) -> list[Block]:
    """The public channels part of the admins' modal: the switch, the list, and how far each is."""
    switch = option(
        "Learn expertise from public channels",
        LEARNING_ON,
        description="Only channels Rapport is in; never DMs or private channels; no text kept.",
    )
    read = _read(choices)
    channels: dict[str, Any] = {
        "type": "multi_conversations_select",
        "filter": {"include": ["public"], "exclude_bot_users": True},
        "placeholder": {"type": "plain_text", "text": "Public channels"},
    }
    if read:
        channels["initial_conversations"] = [r.channel_id for r in read]
    blocks = [
        _input(
            Input.LEARNING,
            "Public channels",
            {
                "type": "checkboxes",
                "options": [switch],
                **({"initial_options": [switch]} if choices.learn_from_channels else {}),
            },
            optional=True,
        ),
        context(
            "Turning this off deletes everything Rapport learned from channels, at once, and it reads "
            "nothing more; turning it back on goes on with new messages."
        ),
        _input(Input.READ_CHANNELS, "Channels to read", channels, optional=True),
        context(
            "Rapport reads a public channel once it is invited (`/invite @Rapport`) or listed here: "
            "it joins, reads its recent history, then new messages. Unlisted, it stops reading."
        ),
    ]
    if read and not choices.learn_from_channels:
        blocks.append(context("*Paused*: learning from public channels is off."))
    lines = [reading_line(r, choices.today) for r in read]
    if len(lines) > MAX_READING_LINES:
        hidden = len(lines) - MAX_READING_LINES + 1
        lines = [*lines[: MAX_READING_LINES - 1], f"…and {plural(hidden, 'more channel')}"]
    return blocks + [context(line) for line in lines]


def shown_metadata(choices: WorkspaceChoices) -> str:
    """What the modal remembers of the channels it showed as read (private_metadata: 3,000
    characters; beyond that, nothing, and saving compares with the channels read then)."""
    shown = SHOWN_PREFIX + ",".join(r.channel_id for r in _read(choices))
    return shown if len(shown) <= 3000 else ""


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    return input_block(block_id, label, {"action_id": "value", **element}, optional=optional)


def workspace_modal(choices: WorkspaceChoices) -> Payload:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if choices.channel_id:
        channel["initial_conversation"] = choices.channel_id
    hours = [option(f"{h:02d}:00", str(h)) for h in CELEBRATION_HOURS]
    zones = [option(f"Automatic ({choices.automatic_tz}, most common here)", AUTOMATIC_ZONE)]
    zones += [option(z, z) for z in sorted(set(choices.zones) | ({choices.tz} if choices.tz else set()))]
    promotions = option("Include promotions in the daily post", "on")
    birthday: dict[str, Any] = {"type": "plain_text_input", "max_length": 80}
    if choices.birthday_field:
        birthday["initial_value"] = choices.birthday_field
    body = [
        _input(Input.CHANNEL, "Post celebrations in", channel),
        context("Rapport joins a public channel itself; invite it to a private one first."),
        _input(
            Input.HOUR,
            "Daily post at",
            {
                "type": "static_select",
                "options": hours,
                "initial_option": next((o for o in hours if o["value"] == str(choices.hour)), hours[4]),
            },
        ),
        _input(
            Input.ZONE,
            "In the time zone",
            {
                "type": "static_select",
                "options": zones,
                "initial_option": next((o for o in zones if o["value"] == choices.tz), zones[0]),
            },
        ),
        _input(
            Input.PROMOTIONS,
            "Promotions",
            {
                "type": "checkboxes",
                "options": [promotions],
                **({"initial_options": [promotions]} if choices.promotion_posts else {}),
            },
            optional=True,
        ),
        _input(Input.BIRTHDAY_FIELD, "Birthday profile field", birthday, optional=True),
        context("The label of a custom profile field holding birthdays (MM-DD), if you have one."),
        header("Expertise"),
        *skills_field_blocks(Input.SKILLS_FIELD, choices.skills_field),
        *reading_blocks(choices),
    ]
    save = {"type": "plain_text", "text": "Save"}
    return modal(
        "Workspace settings",
        body,
        callback_id=View.WORKSPACE,
        submit=save,
        private_metadata=shown_metadata(choices),
    )


def not_admin_modal() -> Payload:
    return modal(
        "Workspace settings",
        [mrkdwn("Only workspace admins and owners can change the workspace's settings.")],
    )
