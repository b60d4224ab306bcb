"""Workspaces, their members (the directory) and the Slack events already applied."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Workspace(Base):
    """A Slack workspace Rapport is installed in, with its workspace-wide settings."""

    __tablename__ = "workspace"

    team_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    domain: Mapped[str] = mapped_column(String(255), default="")
    bot_user_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Celebration settings; None means "use the default" (`bot.celebrations.occasions`).
    tz: Mapped[str | None] = mapped_column(String(64))
    celebration_hour: Mapped[int] = mapped_column(SmallInteger, default=10)
    celebrations_channel: Mapped[str | None] = mapped_column(String(80))
    promotion_posts: Mapped[bool] = mapped_column(Boolean, default=True)
    birthday_field: Mapped[str | None] = mapped_column(String(80))
    # The custom profile field listing people's skills (a label or a field id); None: one named
    # like "Skills" or "Ask me about", if the workspace has one (`directory.profile_fields`).
    skills_field: Mapped[str | None] = mapped_column(String(80))
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rapport learns who knows what from the public channels it is in (an admin may turn it off).
    learn_from_channels: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Member(Base):
    """A person (or bot) of a workspace as Slack describes them, plus their own Rapport settings."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        Index("ix_member_team_active", "team_id", "deleted", "is_bot"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspace.team_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255), default="")
    real_name: Mapped[str] = mapped_column(String(255), default="")
    display_name: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Personal dates: the year is kept only when the person gave it, and never shown.
    birthday_month: Mapped[int | None] = mapped_column(SmallInteger)
    birthday_day: Mapped[int | None] = mapped_column(SmallInteger)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    start_date: Mapped[date | None] = mapped_column(Date)
    # Skills as their profile's skills field (or HR's CSV) lists them, as typed: read into skill
    # evidence by `bot.expertise.profile_skills` whenever members are stored. Never logged.
    profile_skills: Mapped[str | None] = mapped_column(Text)

    # Consent (True means the person agrees). These three are opt-outs: kudos are a colleague's
    # thanks, reminders are private to the circle, and a birthday kept private is in neither the
    # channel nor colleagues' reminders.
    celebrate_publicly: Mapped[bool] = mapped_column(Boolean, default=True)  # False: never in public
    show_birthday: Mapped[bool] = mapped_column(Boolean, default=True)
    nudge_others_about_me: Mapped[bool] = mapped_column(Boolean, default=True)
    # What this person writes in public channels may count as expertise (off: deleted, never read).
    learn_from_channels: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Work anniversaries and birthdays in the celebrations channel are opt-in: None means never
    # chosen, and the person is asked once by DM before the first one (`bot.celebrations.consent`);
    # not posted until they say yes. A birthday the person shared themselves (`/rapport birthday`,
    # a profile field they edit) is their yes (`directory.members.set_birthday`); one from an
    # admin's CSV or a field HR fills is not. Promotions are asked about one by one
    # (`CelebrationConsent`).
    celebrate_anniversaries: Mapped[bool | None] = mapped_column(Boolean)
    celebrate_birthday: Mapped[bool | None] = mapped_column(Boolean)
    # A workspace admin or owner as Slack said at the last sync (what /rapport settings shows;
    # changing workspace settings still asks Slack).
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)

    # Working day in the member's own time zone; nudges arrive from delivery_hour.
    delivery_hour: Mapped[int] = mapped_column(SmallInteger, default=9)
    day_end_hour: Mapped[int] = mapped_column(SmallInteger, default=18)
    work_days: Mapped[str] = mapped_column(String(7), default="12345")  # ISO weekdays
    paused_until: Mapped[date | None] = mapped_column(Date)

    @hybrid_property
    def active(self) -> bool:
        """A person Rapport may act on or about: not deactivated, not a bot (also usable in SQL)."""
        return not (self.deleted or self.is_bot)

    @active.inplace.expression
    @classmethod
    def _active_sql(cls) -> ColumnElement[bool]:
        return and_(cls.deleted.is_(False), cls.is_bot.is_(False))

    @property
    def label(self) -> str:
        """The name people know them by."""
        return self.display_name or self.real_name or self.name or self.user_id


class TitleChange(Base):
    """A member's Slack title changed; promotions are read from these."""

    __tablename__ = "title_change"
    __table_args__ = (Index("ix_title_change_team_changed", "team_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    old_title: Mapped[str] = mapped_column(String(255))
    new_title: Mapped[str] = mapped_column(String(255))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessedEvent(Base):
    """An Events API `event_id` already applied, so Slack's retries change nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (Index("ix_processed_event_received", "received_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
