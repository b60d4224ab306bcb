"""Backfilling a channel Rapport just joined: its last 90 days, page by page, resumable.

Each page of `conversations.history` (newest first) is read with the replies of its threads
(`conversations.replies`), all before the database is touched; then one unit of work applies
every message and saves the next page's cursor. A backfill killed halfway goes on from the last
saved page; a page it applied but could not mark is applied again, and counts once
(`channel_evidence` keys each message by channel and `ts`). Slack's rate limits (Tier 3 for both
methods) are waited out by the client (`platform.slack`: `Retry-After`, on the clock); a run
stops after `PAGES_PER_RUN` pages so one big channel does not hold a worker for an hour.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.expertise import channel_evidence, channels
from bot.expertise.evidence import Sources
from bot.platform.db import Database

log = logging.getLogger(__name__)

PAGE = 200  # messages per history page (Slack recommends at most 200)
PAGES_PER_RUN = 50
GONE = {"channel_not_found", "not_in_channel", "is_archived", "access_denied"}

Message = Mapping[str, Any]


@dataclass
class Ran:
    channels: int = 0
    pages: int = 0
    messages: int = 0
    done: int = 0

    def __str__(self) -> str:
        return f"{self.pages} pages, {self.messages} messages in {self.channels} channels, {self.done} done"


def run(
    db: Database,
    client_for: Callable[[str], WebClient | None],
    now: datetime,
    *,
    evidence: Sources,
    team_id: str | None = None,
    pages: int = PAGES_PER_RUN,
    size: int = PAGE,
    clock: Callable[[], datetime] | None = None,
) -> Ran:
    """Backfill the channels waiting for it, `pages` pages at most; `client_for(team_id)` is the
    workspace's Web API client (None: skip it). With a `clock`, each page is dated (and its lease
    renewed) when it is done: waiting out Slack's limits can take minutes."""
    ran = Ran()
    with db.read() as session:
        waiting = channel_evidence.pending_teams(session)
    for team in waiting if team_id is None else [t for t in waiting if t == team_id]:
        with db.write() as session:  # (left by a process that stopped before counting it)
            channel_evidence.settle_pending(session, team, evidence=evidence)
    while ran.pages < pages:
        with db.write() as session:
            watch = channels.claim_backfill(session, team_id, now)
            if watch is None:
                break
            team, channel, cursor, oldest = watch.team_id, watch.channel_id, watch.cursor, watch.oldest
        client = client_for(team)
        if client is None:
            break
        ran.channels += 1
        while ran.pages < pages:
            now = clock() if clock is not None else now
            try:
                cursor, count = _page(db, client, team, channel, cursor, oldest, now, evidence, size)
            except SlackApiError as e:
                error = str(e.response.get("error", ""))
                with db.write() as session:
                    if error in GONE:
                        channels.left(session, team, channel)
                log.warning("backfill of a channel stopped: %s", error or "error")
                break
            ran.pages += 1
            ran.messages += count
            if cursor is None:
                ran.done += 1
                break
        else:  # the budget ran out between two pages: let the next run go on at once
            with db.write() as session:
                channels.release(session, team, channel)
    return ran


def _page(
    db: Database,
    client: WebClient,
    team_id: str,
    channel_id: str,
    cursor: str | None,
    oldest: datetime,
    now: datetime,
    evidence: Sources,
    size: int,
) -> tuple[str | None, int]:
    """Read and apply one page of history; the next page's cursor (None at the end) and its size."""
    args: dict[str, Any] = {"channel": channel_id, "limit": size, "oldest": f"{oldest.timestamp():.6f}"}
    if cursor:
        args["cursor"] = cursor
    page = client.conversations_history(**args)
    messages: list[Message] = list(page.get("messages") or [])
    threads = {m["ts"]: _replies(client, channel_id, m["ts"]) for m in messages if m.get("reply_count")}
    following = (page.get("response_metadata") or {}).get("next_cursor") or None
    if not page.get("has_more"):
        following = None
    with db.write() as session:
        for message in reversed(messages):  # oldest first, as they were posted
            channels.apply_message(session, team_id, channel_id, message, now)
            replies = threads.get(str(message.get("ts")), [])
            for i, reply in enumerate(replies):
                channels.apply_message(
                    session,
                    team_id,
                    channel_id,
                    reply,
                    now,
                    parent=message,
                    later=replies[i + 1 :],
                )
        channels.page_done(session, team_id, channel_id, following, len(messages), now)
        channel_evidence.settle_pending(session, team_id, evidence=evidence)  # the page, counted once
    return following, len(messages)


def _replies(client: WebClient, channel_id: str, ts: str) -> list[Message]:
    """A thread's replies, oldest first, without its parent."""
    found: list[Message] = []
    cursor: str | None = None
    while True:
        args: dict[str, Any] = {"channel": channel_id, "ts": ts, "limit": PAGE}
        if cursor:
            args["cursor"] = cursor
        page = client.conversations_replies(**args)
        found += [m for m in page.get("messages") or [] if m.get("ts") != ts]
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor or not page.get("has_more"):
            return found
