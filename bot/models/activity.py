"""Expertise shown in public channels: the channels Rapport reads, and what each message showed.

No message text is ever stored: a message is its channel and `ts` (enough for a permalink), who
wrote it, the skills it showed and the kind of signal it was (`bot.expertise.activity`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime

# ChannelWatch.state
BACKFILLING = "backfilling"  # reading the last 90 days, page by page
WATCHING = "watching"  # backfilled: new messages come as events
LEFT = "left"  # Rapport was removed, or the channel is not one it may read


class ChannelWatch(Base):
    """A public channel Rapport was invited to, and how far its backfill has come (resumable:
    the next page's cursor is saved after each page, so a restart goes on from there)."""

    __tablename__ = "channel_watch"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspace.team_id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default=BACKFILLING)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    oldest: Mapped[datetime] = mapped_column(UTCDateTime)  # the backfill reads back to here
    cursor: Mapped[str | None] = mapped_column(String(255))  # conversations.history's next page
    pages: Mapped[int] = mapped_column(Integer, default=0)
    messages: Mapped[int] = mapped_column(Integer, default=0)  # read so far (backfill and events)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # one backfiller at a time
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChannelSignal(Base):
    """One message's evidence for one skill: counted once (its key), re-scored when edited,
    removed when deleted."""

    __tablename__ = "channel_signal"
    __table_args__ = (
        Index("ix_channel_signal_member", "team_id", "member_id", "skill_id", "channel_id"),
        Index("ix_channel_signal_thread", "team_id", "channel_id", "thread_ts"),
    )

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    ts: Mapped[str] = mapped_column(String(20), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    thread_ts: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    weight: Mapped[float] = mapped_column(Float)
    thanked: Mapped[bool] = mapped_column(Boolean, default=False)  # the thread's starter thanked it
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelActivity(Base):
    """Per person, skill and channel: the counts, the last time, the best messages, and the
    evidence score `/whoknows` sums (`bot.expertise.channel_evidence`)."""

    __tablename__ = "channel_activity"
    __table_args__ = (Index("ix_channel_activity_skill", "team_id", "skill_id"),)

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    thanked: Mapped[int] = mapped_column(Integer, default=0)
    shared: Mapped[int] = mapped_column(Integer, default=0)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[str] = mapped_column(String(80), default="")  # up to 3 message ts, best first
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)  # bot.expertise.evidence.score_at


class ChannelSkillHidden(Base):
    """A skill someone hid from what channels showed about them: never counted for them again."""

    __tablename__ = "channel_skill_hidden"

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)


class ChannelPending(Base):
    """A person's skill in a channel whose messages changed since its activity was last counted
    (`channel_evidence.settle_pending` counts them in batches, off the event's path)."""

    __tablename__ = "channel_pending"

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(20), primary_key=True)
