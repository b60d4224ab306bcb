"""The directory: members as Slack describes them, and the workspaces they belong to.

Storing members tells `MembersStored` listeners (given by the composition root): their titles
are evidence of skills, which the directory itself knows nothing about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.directory.personal_dates import Birthday
from bot.models import Member, TitleChange, Workspace
from bot.platform.clock import valid_tz
from bot.platform.inputs import printable

SlackUser = Mapping[str, Any]


def ensure_workspace(
    session: Session, team_id: str, now: datetime, *, name: str = "", bot_user_id: str | None = None
) -> Workspace:
    """The workspace row for `team_id`, created on first sight."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name, created_at=now, bot_user_id=bot_user_id)
        session.add(workspace)
        session.flush()
    else:
        if name and workspace.name != name:
            workspace.name = name
        if bot_user_id and workspace.bot_user_id != bot_user_id:
            workspace.bot_user_id = bot_user_id
    return workspace


def _directory_fields(user: SlackUser) -> dict[str, Any]:
    profile = user.get("profile") or {}

    def text(value: Any) -> str:  # as Slack has it, storable on any database, within its column
        return printable(str(value or "")).strip()[:255]

    return {
        "name": text(user.get("name")),
        "real_name": text(profile.get("real_name") or user.get("real_name")),
        "display_name": text(profile.get("display_name")),
        "title": text(profile.get("title")),
        "email": text(profile.get("email")) or None,
        "tz": valid_tz(user.get("tz")),
        "deleted": bool(user.get("deleted")),
        # Slackbot is a bot that Slack reports as is_bot=false.
        "is_bot": bool(user.get("is_bot") or user.get("is_app_user") or user.get("id") == "USLACKBOT"),
        # What /rapport settings shows (workspace settings still ask Slack before changing).
        "is_admin": is_admin(user),
    }


def is_admin(user: SlackUser) -> bool:
    """Whether Slack says the user administers the workspace (admins and owners alike)."""
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def _apply(session: Session, member: Member, fields: Mapping[str, Any], now: datetime) -> None:
    old_title = member.title
    for key, value in fields.items():
        if getattr(member, key) != value:
            setattr(member, key, value)
    if old_title and fields["title"] and old_title != fields["title"]:
        session.add(
            TitleChange(
                team_id=member.team_id,
                member_id=member.id,
                old_title=old_title,
                new_title=fields["title"],
                changed_at=now,
            )
        )
    member.synced_at = now


# Told, in the storing transaction, which members were just stored: (member id, title) pairs.
MembersStored = Callable[[Session, str, Sequence[tuple[int, str]], datetime], None]


def upsert_members(
    session: Session, team_id: str, users: Iterable[SlackUser], now: datetime, *, stored: MembersStored
) -> int:
    """Insert or update members from Slack user objects of one team; returns how many were seen.

    `stored` hears of every member of the batch, so that titles stored earlier are caught up too.
    """
    members = _store(session, team_id, [u for u in users if belongs(u, team_id)], now)
    if members:
        stored(session, team_id, [(m.id, m.title) for m in members], now)
    return len(members)


def belongs(user: SlackUser, team_id: str) -> bool:
    """Whether a Slack user is a member of `team_id`: Slack Connect brings people of other
    organisations into shared channels and their events, and they are not this directory's."""
    home = user.get("team_id")
    if not home or home == team_id:
        return True
    return team_id in ((user.get("enterprise_user") or {}).get("teams") or ())  # Grid: one org


def _store(session: Session, team_id: str, users: Iterable[SlackUser], now: datetime) -> list[Member]:
    batch = [u for u in users if u.get("id")]
    if not batch:
        return []
    ids = [u["id"] for u in batch]
    existing = {
        m.user_id: m
        for m in session.scalars(select(Member).where(Member.team_id == team_id, Member.user_id.in_(ids)))
    }
    for user in batch:
        fields = _directory_fields(user)
        member = existing.get(user["id"])
        if member is None:
            member = Member(team_id=team_id, user_id=user["id"], synced_at=now, **fields)
            session.add(member)
            existing[user["id"]] = member
        else:
            _apply(session, member, fields, now)
    session.flush()
    return [existing[u["id"]] for u in batch]


# Built once: commands look people up on their answer path (building a statement costs more
# than running it).
_MEMBER = select(Member).where(Member.team_id == bindparam("team_id"), Member.user_id == bindparam("user_id"))
_MEMBERS = select(Member).where(
    Member.team_id == bindparam("team_id"), Member.user_id.in_(bindparam("user_ids", expanding=True))
)


def find_member(session: Session, team_id: str, user_id: str) -> Member | None:
    return session.scalar(_MEMBER, {"team_id": team_id, "user_id": user_id})


def find_members(session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, Member]:
    """Members by Slack id; ids Rapport has never seen are simply absent."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    rows = session.scalars(_MEMBERS, {"team_id": team_id, "user_ids": ids})
    return {m.user_id: m for m in rows}


@dataclass
class Resolved:
    """Mentioned people sorted into those Rapport can act on and those it must name and skip."""

    active: list[Member] = field(default_factory=list)
    inactive: list[Member] = field(default_factory=list)  # deactivated people and bots
    unknown: list[str] = field(default_factory=list)  # Slack ids not in the directory


def resolve(session: Session, team_id: str, user_ids: Iterable[str]) -> Resolved:
    """Sort mentioned Slack ids, keeping their order."""
    ids = list(dict.fromkeys(user_ids))
    return sort_mentioned(ids, find_members(session, team_id, ids))


def sort_mentioned(user_ids: Iterable[str], found: Mapping[str, Member]) -> Resolved:
    """Sort mentioned Slack ids by what `find_members` found for them, keeping their order."""
    result = Resolved()
    for uid in dict.fromkeys(user_ids):
        member = found.get(uid)
        if member is None:
            result.unknown.append(uid)
        elif member.active:
            result.active.append(member)
        else:
            result.inactive.append(member)
    return result


def ensure_member(session: Session, team_id: str, user_id: str, now: datetime, name: str = "") -> Member:
    """The member row for `user_id`, added bare on first sight (the next sync fills in the rest).

    For people acting before the directory knows them, so what they do is never lost.
    """
    member = find_member(session, team_id, user_id)
    if member is None:
        ensure_workspace(session, team_id, now)
        # A bare member has no title: nothing for `MembersStored` listeners yet.
        (member,) = _store(session, team_id, [{"id": user_id, "name": name}], now)
    return member


def set_birthday(member: Member, birthday: Birthday | None, *, shared: bool = False) -> None:
    """Keep a birthday (the year only when given), or forget it.

    `shared`: the person gave it themselves, which is their yes to celebrating it in public
    (`birthday_shared`). A birthday from anywhere else (an admin's CSV, a profile field HR fills)
    leaves their choice as it was, so never chosen stays never chosen and Rapport asks them
    (`bot.celebrations.consent`). Forgetting takes back a yes (a no stands), so a birthday that
    comes back some other way is not posted without asking.
    """
    member.birthday_month = birthday.month if birthday else None
    member.birthday_day = birthday.day if birthday else None
    member.birth_year = birthday.year if birthday else None
    if birthday is None and member.celebrate_birthday:
        member.celebrate_birthday = None
    elif birthday is not None and shared:
        birthday_shared(member)


def birthday_shared(member: Member) -> bool:
    """The person shared their birthday themselves: their yes to celebrating it in public, unless
    they said no (a "Not now", or a box unticked in /rapport settings). True if that changed."""
    if member.celebrate_birthday is not None:
        return False
    member.celebrate_birthday = True
    return True


def recent_title_changes(
    session: Session, team_id: str, since: datetime, until: datetime, *member_filters: Any
) -> list[Any]:
    """Title changes in (since, until], oldest first: id, member_id, old_title, new_title.

    `member_filters` are conditions on `Member` (consent, deactivation) for callers that need them.
    """
    query = select(TitleChange.id, TitleChange.member_id, TitleChange.old_title, TitleChange.new_title)
    if member_filters:
        query = query.join(Member, Member.id == TitleChange.member_id).where(*member_filters)
    query = query.where(
        TitleChange.team_id == team_id, TitleChange.changed_at > since, TitleChange.changed_at <= until
    ).order_by(TitleChange.changed_at, TitleChange.id)
    return list(session.execute(query).all())
