"""Kudos, what the daily celebration posts announced, the consent asked for them, and each
workspace's celebrations channel."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Kudos(Base):
    """A thank-you from one person to one or more colleagues, posted in the celebrations channel.

    `request_key` names what the kudos announces (giver, receivers, reason and the request it
    came in), so a retried request finds its kudos instead of making a second; the outbox row
    that posts it uses the same key.
    """

    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_team_giver_created", "team_id", "giver_id", "created_at"),
        Index("ix_kudos_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    giver_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # mrkdwn-safe: broadcasts removed, user mentions kept as <@U…>, everything else escaped.
    reason: Mapped[str] = mapped_column(Text)
    # True when the reason is free text ("thanks for the help!"), False after "for" ("shipping X").
    quoted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Same receivers and reason from the same giver: a repeat, whichever request it came in.
    fingerprint: Mapped[str] = mapped_column(String(64))
    request_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Its evidence and keep-in-touch effects were applied (by the celebrations job: kudos.settle).
    settled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the post went, once Slack took it (copied from its outbox row).
    posted_channel: Mapped[str | None] = mapped_column(String(20))
    posted_ts: Mapped[str | None] = mapped_column(String(32))


class KudosReceiver(Base):
    """One receiver of a kudos, in the order the giver named them."""

    __tablename__ = "kudos_receiver"
    __table_args__ = (Index("ix_kudos_receiver_team_member_created", "team_id", "member_id", "created_at"),)

    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the kudos', for "received since"


class KudosSkill(Base):
    """A skill a kudos' reason names, as evidence for one receiver (see bot.kudos.evidence)."""

    __tablename__ = "kudos_skill"
    __table_args__ = (Index("ix_kudos_skill_lookup", "team_id", "skill_id", "member_id", "score"),)

    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)  # decay-ready: see bot.expertise.evidence
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CelebrationItem(Base):
    """One occasion (a birthday this year, an anniversary, a promotion) given to one daily post.

    `occasion_key` is unique, so an occasion is announced by one post only, whatever the
    retries, replicas or a workspace time-zone change do to the dates.
    """

    __tablename__ = "celebration_item"
    __table_args__ = (Index("ix_celebration_item_team_post", "team_id", "post_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    occasion_key: Mapped[str] = mapped_column(String(255), unique=True)
    post_key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))  # birthday | anniversary | promotion
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    occasion: Mapped[date] = mapped_column(Date)  # the day it is about
    years: Mapped[int | None] = mapped_column(SmallInteger)  # anniversaries
    title: Mapped[str | None] = mapped_column(String(255))  # promotions: the new title
    title_change_id: Mapped[int | None] = mapped_column(Integer)  # promotions: the latest change announced
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CelebrationConsent(Base):
    """A person asked by DM whether one occasion about them may be celebrated in public, and their answer.

    Asked before their first work anniversary and their first birthday in the channel, unless they
    shared that birthday themselves (once each: the answer is kept on the member and stands for
    later ones), and before each promotion (a title is text anyone may have typed).
    `occasion_key` is unique, so a person is asked once however many replicas plan it; the DM is
    the outbox row keyed `celebration_consent:<occasion_key>`. No answer is no.
    """

    __tablename__ = "celebration_consent"
    __table_args__ = (Index("ix_celebration_consent_team_member", "team_id", "member_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    occasion_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # birthday | anniversary | promotion
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # Birthdays and anniversaries: its date; promotions: the change's day.
    occasion: Mapped[date] = mapped_column(Date)
    post_day: Mapped[date | None] = mapped_column(Date)  # birthdays, anniversaries: the post it is for
    years: Mapped[int | None] = mapped_column(SmallInteger)  # anniversaries
    title: Mapped[str | None] = mapped_column(String(255))  # promotions: the new title, as typed
    old_title: Mapped[str | None] = mapped_column(String(255))  # promotions: the title before
    title_change_id: Mapped[int | None] = mapped_column(Integer)  # promotions: the change asked about
    answer: Mapped[str | None] = mapped_column(String(8))  # yes | no; None: not answered (not consent)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CelebrationChannel(Base):
    """Where a workspace's celebrations go, as last resolved from its setting (name or id)."""

    __tablename__ = "celebration_channel"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspace.team_id", ondelete="CASCADE"), primary_key=True
    )
    wanted: Mapped[str] = mapped_column(String(80))  # the setting it was resolved from
    channel_id: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80), default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProfileSync(Base):
    """How far the incremental read of custom profile fields got in a workspace."""

    __tablename__ = "profile_sync"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspace.team_id", ondelete="CASCADE"), primary_key=True
    )
    after_user_id: Mapped[str] = mapped_column(String(20), default="")  # "" = start of a round
    round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
