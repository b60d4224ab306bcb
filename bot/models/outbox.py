"""The outbox: every message Rapport sends (digest DMs, immediate posts) and the nudges in digests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Outbox(Base):
    """One message to send, exactly once: planned, claimed with a lease, sent (ts recorded).

    `dedupe_key` names what the message is (a person's digest for one local day, a kudos);
    inserting the same key twice does nothing, so planning and Slack retries never double it.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "team_id", "status", "deliver_after"),
        Index("ix_outbox_recipient_day", "team_id", "recipient_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    team_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))  # "digest", or what an immediate post announces
    # Where it goes: a user id (a DM) or a channel id; recipient_id is set for a person's DM.
    channel: Mapped[str] = mapped_column(String(80))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # text/blocks of an immediate post
    local_date: Mapped[date | None] = mapped_column(Date)  # the recipient's day (digests)
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending → sending (claimed) → sent | failed | expired | skipped; a retry is pending again.
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when a try may have reached Slack without its answer reaching us (a sender killed
    # mid-post, a dropped connection, a 5xx): the next try looks for it in the channel first.
    doubt_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_channel: Mapped[str | None] = mapped_column(String(80))  # the DM's D… id, for chat.update
    sent_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SendSlot(Base):
    """The next free moment to call Slack, shared by every sender of a workspace.

    `key` is "" for the workspace's posting budget, a channel id for its one message a second,
    or a method name for a tiered read. Times are epoch seconds (`Clock.epoch`); `held_until`
    is Slack's Retry-After, honoured by every thread and process at once.
    """

    __tablename__ = "send_slot"

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    free_at: Mapped[float] = mapped_column(Float, default=0.0)
    held_until: Mapped[float] = mapped_column(Float, default=0.0)


class Nudge(Base):
    """One thing worth a person's attention on one of their working days; travels in a digest.

    `dedupe_key` names the occurrence (this birthday this year, this follow-up's second reminder),
    not the day it is shown, so an item moved to a later day is still planned only once.
    """

    __tablename__ = "nudge"
    __table_args__ = (
        Index("ix_nudge_due", "team_id", "status", "deliver_after"),
        Index("ix_nudge_recipient_day", "team_id", "recipient_id", "local_date"),
        # "how often was this follow-up (cadence…) shown already": the planner asks per item.
        Index("ix_nudge_ref", "ref_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    team_id: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    ref_id: Mapped[int | None] = mapped_column(Integer)  # the follow-up, title change… it is about
    occasion: Mapped[date | None] = mapped_column(Date)  # the day it is about (a birthday)
    last_day: Mapped[date | None] = mapped_column(Date)  # not worth showing after this local day
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    local_date: Mapped[date] = mapped_column(Date)
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending → sent (in a digest) → done | snoozed; or expired | dropped (moot) | skipped | failed.
    status: Mapped[str] = mapped_column(String(12), default="pending")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
