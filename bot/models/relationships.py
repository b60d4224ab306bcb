"""The private relationship log: interactions, their participants, follow-ups and keep-in-touch cadences.

Every row belongs to one author and is visible to that author only. Indexes lead with the
author (member ids are unique across workspaces): per-author queries stay selective without
planner statistics, and deleting a member cascades through an index instead of a scan.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime

GAVE = 1  # the author helped
GOT = -1  # the author was helped


TOPICS_LENGTH = 500  # characters of an interaction's topics, spaces included


class Interaction(Base):
    """Something that happened between the author and colleagues, in the author's own words."""

    __tablename__ = "interaction"
    __table_args__ = (Index("ix_interaction_author_occurred", "author_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")  # private to the author
    topics: Mapped[str] = mapped_column(String(TOPICS_LENGTH), default="")  # space-separated, private too
    give_take: Mapped[int | None] = mapped_column(SmallInteger)  # GAVE, GOT or None
    link: Mapped[str | None] = mapped_column(String(500))  # permalink of the message it came from
    # The request that logged it (`storage.request_key`): the same request again stores nothing.
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)


class InteractionParticipant(Base):
    """A colleague an interaction was with; author and time are copied here so lookups need no join."""

    __tablename__ = "interaction_participant"
    __table_args__ = (
        # "my history with X", "did I ever talk to X", "whom of these do I know". team_id comes
        # last, only so that the workspace filter is read off the index too (/whoknows).
        Index("ix_interaction_participant_author_member", "author_id", "member_id", "occurred_at", "team_id"),
        Index("ix_interaction_participant_member", "member_id"),
        # "who talked with someone for the first time lately" (the daily digest; migration 0004).
        Index("ix_interaction_participant_team_occurred", "team_id", "occurred_at"),
    )

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """A promise to oneself to get back to someone on a local date."""

    __tablename__ = "follow_up"
    __table_args__ = (
        # "my open follow-ups"
        Index(
            "ix_follow_up_author_open",
            "author_id",
            "due_on",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        # "who has something due by this date" (the daily digest plans per workspace)
        Index(
            "ix_follow_up_team_due_open",
            "team_id",
            "due_on",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        Index("ix_follow_up_about", "about_id"),
        Index("ix_follow_up_interaction", "interaction_id"),
        # One open follow-up per interaction and person: picking its date again moves it, and a
        # log with several people has one each (migrations 0013, 0014).
        Index(
            "uq_follow_up_interaction_about_open",
            "interaction_id",
            "about_id",
            unique=True,
            sqlite_where=text("interaction_id IS NOT NULL AND done_at IS NULL"),
            postgresql_where=text("interaction_id IS NOT NULL AND done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    about_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)  # the author's local date
    snoozed_until: Mapped[date | None] = mapped_column(Date)  # later than due_on when snoozed
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def remind_on(self) -> date:
        return self.snoozed_until or self.due_on


class Cadence(Base):
    """Keep in touch with a contact every N days; any contact resets the clock."""

    __tablename__ = "cadence"
    __table_args__ = (
        UniqueConstraint("author_id", "contact_id"),
        # "my cadences due" and the workspace-wide plan, active ones only
        Index(
            "ix_cadence_author_due",
            "author_id",
            "next_due_on",
            sqlite_where=text("stopped = 0"),  # as SQLAlchemy writes "not stopped" for SQLite
            postgresql_where=text("NOT stopped"),
        ),
        Index(
            "ix_cadence_team_due",
            "team_id",
            "next_due_on",
            sqlite_where=text("stopped = 0"),  # as SQLAlchemy writes "not stopped" for SQLite
            postgresql_where=text("NOT stopped"),
        ),
        Index("ix_cadence_contact", "contact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    every_days: Mapped[int] = mapped_column(Integer)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_on: Mapped[date] = mapped_column(Date)  # the author's local date; moved by contact or snooze
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
