"""Who knows what: each workspace's skills, what members declare or show, and endorsements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime

# Kinds of MemberSkill evidence (`source`).
DECLARED = "declared"  # the member said so with /skills add
TITLE = "title"  # their Slack title names the skill
PROFILE = "profile"  # their Slack profile's skills field (or HR's CSV) lists it

# What an endorsement's `status` says about who sees it (bot.expertise.endorsements).
SHOWN = "shown"  # it counts: on the profile, in /whoknows, as a tie between the two
HELD = "held"  # waiting for the endorsee to accept; only they see it (its author is told nothing of it)
HIDDEN = "hidden"  # the endorsee hid or removed it: it counts nowhere and its author can't add it again


class Skill(Base):
    """A skill of one workspace, stored once under its canonical key ("k8s" is `kubernetes`)."""

    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspace.team_id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))  # bot.expertise.names.normalise() of the name
    label: Mapped[str] = mapped_column(String(80))  # how it is shown: "Kubernetes", "C++"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # In the workspace's vocabulary (matched, suggested, typo-corrected to). False while only
    # held endorsements name it, so nobody can tell from /whoknows that someone typed it.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class SkillVocabulary(Base):
    """A workspace's versions, read with one primary-key lookup so that every process notices
    changes made elsewhere: `version` is bumped whenever a skill is added or removed (the cached
    vocabulary), `evidence_version` whenever evidence, or a member's title or activity, changes
    (the cached `/whoknows` standings)."""

    __tablename__ = "skill_vocabulary"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspace.team_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    evidence_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MemberSkill(Base):
    """Evidence that a member has a skill, from one source: `declared` (/skills add) or `title`
    (their Slack title names it); later sources may add their own kinds."""

    __tablename__ = "member_skill"
    __table_args__ = (
        UniqueConstraint("member_id", "skill_id", "source"),
        # /whoknows: the holders of a few skills in one workspace, answered from the index alone.
        Index("ix_member_skill_lookup", "team_id", "skill_id", "source", "member_id", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)  # weight, decay-ready: see bot.expertise.evidence


class Endorsement(Base):
    """A colleague vouches for a member's skill; once per endorser, person and skill.

    Only `shown` endorsements count anywhere; a `held` one waits for the endorsee, a `hidden` one
    stays so that its author cannot add it again (see `SHOWN`, `HELD`, `HIDDEN`)."""

    __tablename__ = "endorsement"
    __table_args__ = (
        UniqueConstraint("endorser_id", "endorsee_id", "skill_id"),
        # /whoknows: endorsements of a few skills in one workspace, answered from the index alone.
        Index("ix_endorsement_lookup", "team_id", "skill_id", "status", "endorsee_id", "score"),
        # Who vouched for whom, off the index alone (/whoknows' introducers).
        Index("ix_endorsement_endorsee", "endorsee_id", "endorser_id", "team_id", "status"),
        # The daily digest claims the endorsements nobody was told about yet (migration 0004).
        Index("ix_endorsement_notified", "team_id", "notified_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    endorser_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    endorsee_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)  # decay-ready: see bot.expertise.evidence
    # When the endorsed person was told; None until then (a digest may pick unsent ones up).
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default=SHOWN, server_default=SHOWN)


class DeclinedSkill(Base):
    """A skill a member took off their profile (`/skills remove`): colleagues' later endorsements
    of it wait for the member to accept, even when the skill is a well-known one."""

    __tablename__ = "declined_skill"
    __table_args__ = (UniqueConstraint("member_id", "skill_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SkillScore(Base):
    """How strongly all the evidence together says a member knows a skill: the sum of every
    source's decay-ready scores (bot.expertise.evidence), rewritten whenever evidence changes,
    so `/whoknows` reads the strongest few people straight off an index."""

    __tablename__ = "skill_score"
    __table_args__ = (
        UniqueConstraint("member_id", "skill_id"),
        Index("ix_skill_score_top", "team_id", "skill_id", "score", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)


class UnansweredTopic(Base):
    """A `/whoknows` topic nobody could answer, counted per workspace and month: the topic as it
    was understood, never who asked (admins see what the workspace lacks, not who lacks it)."""

    __tablename__ = "unanswered_topic"
    __table_args__ = (UniqueConstraint("team_id", "month", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspace.team_id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-12", in UTC
    topic: Mapped[str] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# What a `learned_relation` was learned from (bot.expertise.learned).
HELD_TOGETHER = "held"  # the same people of the workspace hold both skills
NAMED_TOGETHER = "named"  # kudos reasons or endorsements name both skills at once


class LearnedRelation(Base):
    """Two skills a workspace links by itself (bot.expertise.learned): held together by the same
    people, or named together in kudos and endorsements. Stored in both directions (a row for
    skill → other and one for other → skill), so a skill's neighbours are one key-prefix read;
    `support` is how many people (held) or kudos and endorsements (named) say so. The learning job
    replaces a workspace's rows at each run."""

    __tablename__ = "learned_relation"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspace.team_id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # HELD_TOGETHER or NAMED_TOGETHER
    support: Mapped[int] = mapped_column(Integer)
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime)
