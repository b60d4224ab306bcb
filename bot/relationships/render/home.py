"""Block Kit for the Home tab: what is due (with buttons), recent logs, give and take, network."""

from __future__ import annotations

from bot.help.render import help_blocks
from bot.platform.blocks import Block, Payload, context, header, mrkdwn
from bot.platform.mrkdwn import escape, mention
from bot.platform.words import plural
from bot.relationships.home import NETWORK_DAYS, Balance, Home
from bot.relationships.render.due import due_item
from bot.relationships.render.interactions import entry_block

HOME_ITEMS = 15  # two blocks each; a view holds 100


def _balance_line(balance: Balance) -> str:
    nudge = " — maybe offer a hand next time" if balance.got > balance.gave else ""
    who = mention(balance.person.user_id)
    return f"{who}: you helped {balance.gave}×, they helped you {balance.got}×{nudge}"


def home_view(home: Home) -> Payload:
    """One person's Home tab; everything on it is theirs alone."""
    author, logs = home.author, home.overview
    tz = author.tz if author else "UTC"
    blocks: list[Block] = [header("Due today")]
    if home.due:
        for item in home.due[:HOME_ITEMS]:
            blocks += due_item(item, home.today, tz)
        if len(home.due) > HOME_ITEMS:
            blocks.append(context(f"…and {len(home.due) - HOME_ITEMS} more: `/followups` lists them all."))
    else:
        blocks.append(mrkdwn("Nothing due. Nice."))
    if home.upcoming:
        coming = plural(home.upcoming, "more follow-up")
        blocks.append(
            context(f"{coming} coming up — `/followups` shows {'it' if home.upcoming == 1 else 'them'}.")
        )

    blocks.append(header("Recently logged"))
    if logs.recent and author is not None:
        blocks += [entry_block(e, author, home.today) for e in logs.recent]
    else:
        blocks.append(mrkdwn("Nothing yet. After a good conversation, `/log @colleague what happened`."))

    if logs.balances:
        blocks.append(header("Give and take"))
        blocks.append(mrkdwn("\n".join(_balance_line(b) for b in logs.balances)))
        blocks.append(context("From logs tagged #gave or #got. Giving before asking builds trust."))

    blocks.append(header(f"Your network, last {NETWORK_DAYS} days"))
    if logs.network:
        people = plural(sum(n for _, n in logs.network), "person", "people")
        lines = [f"• {escape(title)}: {n}" for title, n in logs.network[:12]]
        blocks.append(mrkdwn(f"You logged conversations with {people}:\n" + "\n".join(lines)))
    else:
        blocks.append(mrkdwn("No conversations logged in that time."))
    blocks.append(context("Only you can see this page's notes, follow-ups and balances."))

    blocks.append({"type": "divider"})
    blocks += help_blocks()
    return {"type": "home", "blocks": blocks}
