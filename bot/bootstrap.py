"""The composition root: every plug-in point of Rapport, filled from explicit tuples in one place.

No module registers anything when it is imported. What counts as evidence of a skill, whom an
asker already knows, what happens when members are stored, the sections of `/rapport settings`,
the kinds of nudge and where they come from, who is in whose circle, how each kind of outbox row
is sent, which posts go to the celebrations channel and which seeders run: all is listed here,
in the order that matters (kinds within a digest section, planning sources, seeders), and handed
to the code that uses it through a `Registry` (`Core.registry`, in `bot.core`). ARCHITECTURE.md has
the recipe for adding to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from bot.celebrations import consent, daily
from bot.celebrations.settings import CONSENT_SECTION
from bot.delivery.sender import OutboxKinds
from bot.directory.members import MembersStored
from bot.directory.settings import NUDGES, Sections
from bot.expertise import settings as expertise_settings
from bot.expertise.channel_evidence import ChannelSource, consent_listener
from bot.expertise.evidence import EndorsementSource, MemberSkillSource, Sources, members_changed
from bot.expertise.profile_skills import ProfileSkillSource, index_profile_skills
from bot.expertise.titles import index_titles
from bot.kudos import posts
from bot.kudos.evidence import KudosSource
from bot.models.expertise import DECLARED, TITLE
from bot.nudges import circle, digest
from bot.nudges.circle import CirclePart
from bot.nudges.kinds import Kind, Kinds
from bot.nudges.planning import Builder, Planner, Source
from bot.nudges.sources import endorsements, kudos, occasions, relationships
from bot.platform.db import Database
from bot.relationships.acquaintances import KnownPeople, acquaintances
from bot.seeding.expertise import seed_expertise
from bot.seeding.kudos import seed_kudos
from bot.seeding.members import Seeder
from bot.seeding.relationships import seed_relationships

# What `/whoknows` sums, and how much each kind of evidence weighs.
EVIDENCE: Sources = (
    MemberSkillSource(DECLARED, weight=1.0),
    EndorsementSource(weight=1.5),  # per distinct colleague: stronger than one's own word
    MemberSkillSource(TITLE, weight=0.6),
    KudosSource(weight=0.8),  # a colleague's thanks for work on a skill: between a title and a declaration
    ProfileSkillSource(weight=0.9),  # their profile's skills field (or HR's CSV) lists it
    ChannelSource(weight=1.0),  # what they answered and shared in public channels (saturating)
)

# Told, in this order, of the members the directory stored (each with `evidence` bound): a
# member's title and the skills their profile lists are evidence of their skills.
MEMBERS_STORED = (index_titles, index_profile_skills)

# The kinds of nudge; within a digest section, items appear in this order.
NUDGE_KINDS: tuple[Kind, ...] = (
    relationships.FOLLOW_UPS,
    relationships.FRESH_CONTACTS,
    relationships.CADENCES,
    occasions.BIRTHDAYS,
    occasions.ANNIVERSARIES,
    occasions.PROMOTIONS,
    endorsements.ENDORSEMENTS,
    endorsements.HELD_ENDORSEMENTS,
    kudos.KUDOS_RECEIVED,
)

# What planning a day runs, in this order (each one statement, whatever the team's size).
NUDGE_SOURCES: tuple[Source | Builder, ...] = (
    relationships.follow_ups,
    relationships.keep_in_touch,
    relationships.fresh_contacts,
    occasions.birthdays,
    occasions.anniversaries,
    occasions.PROMOTIONS_SOURCE,
    endorsements.ENDORSEMENTS_SOURCE,
    endorsements.held,  # (after the source above: it plans from that source's claim)
    kudos.received,
)

# Who is in someone's circle: whose birthdays and promotions they hear of.
CIRCLE: tuple[CirclePart, ...] = (
    circle.logged_with,
    circle.endorsed,
    circle.keep_in_touch,
    kudos.gave_kudos_to,
)

# `/rapport settings`, top to bottom.
SETTINGS: Sections = (NUDGES, CONSENT_SECTION, expertise_settings.SECTION)

# Outbox kinds posted in the celebrations channel (an admin's new channel moves them too).
CELEBRATION_POSTS = (daily.KIND, posts.KIND)

# `rapport seed`, after the members, in this order.
SEEDERS: tuple[Seeder, ...] = (seed_expertise, seed_relationships, seed_kudos)


@dataclass(frozen=True)
class Registry:
    """Rapport's features, wired: handed to handlers, jobs and the CLI on `Core.registry`."""

    evidence: Sources
    known_people: KnownPeople
    on_members_stored: MembersStored
    settings: Sections
    nudge_kinds: Kinds
    planner: Planner
    outbox: OutboxKinds
    celebration_posts: tuple[str, ...]
    seeders: tuple[Seeder, ...]


def build_registry(
    *,
    evidence: Sources = EVIDENCE,
    nudge_kinds: Sequence[Kind] = NUDGE_KINDS,
    nudge_sources: Sequence[Source | Builder] = NUDGE_SOURCES,
    circle_parts: Sequence[CirclePart] = CIRCLE,
) -> Registry:
    """The registry from the tuples above (tests may extend them)."""
    kinds = Kinds(nudge_kinds)
    return Registry(
        evidence=evidence,
        known_people=acquaintances,
        on_members_stored=each_told([partial(listener, evidence=evidence) for listener in MEMBERS_STORED]),
        settings=SETTINGS,
        nudge_kinds=kinds,
        planner=Planner(nudge_sources, circle_parts),
        outbox={
            digest.DIGEST: digest.outbox_kind(kinds),
            daily.KIND: daily.OUTBOX,
            posts.KIND: posts.OUTBOX,
            consent.KIND: consent.OUTBOX,  # the DM asking before a first public celebration
        },
        celebration_posts=CELEBRATION_POSTS,
        seeders=SEEDERS,
    )


def each_told(listeners: Sequence[MembersStored]) -> MembersStored:
    """One `MembersStored` listener that tells each of `listeners`, in order."""
    told = tuple(listeners)

    def tell(session: Session, team_id: str, members: Sequence[tuple[int, str]], now: datetime) -> None:
        for listener in told:
            listener(session, team_id, members, now)

    return tell


def open_database(url: str) -> Database:
    """The database, with the session listeners Rapport relies on."""
    db = Database(url)
    # A member's new title, deactivation or bot flag changes `/whoknows` answers: say so.
    db.listen("before_flush", members_changed)
    # Someone who turns off learning from channels, or is deactivated, loses what channels showed.
    db.listen("before_flush", consent_listener(EVIDENCE))
    return db
