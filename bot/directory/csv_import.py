"""`rapport import-people`: birthdays, start dates and skills from a CSV, good rows in, bad rows
explained.

An admin's file is not the person's say: an imported birthday leaves their choice about it as it
was (never chosen, for most), so it is posted only after they answer yes to Rapport's DM
(`bot.celebrations.consent`), like an imported start date's anniversaries.

A `skills` cell ("Kubernetes, Terraform; AWS and Go") is HR data, kept as the skills the
person's profile lists (`Member.profile_skills`, as a profile's skills field is: a workspace
whose profiles have one replaces it at every round of the sync); `MembersStored` listeners hear
of the members whose list changed and read it as skills (`bot.expertise.profile_skills`). An
empty cell, like an empty date, changes nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.members import MembersStored
from bot.directory.personal_dates import parse_birthday, parse_start_date
from bot.directory.profile_fields import set_profile_skills, skills_text
from bot.models import Member

ID_COLUMNS = ("slack_user_id", "email")
DATE_COLUMNS = ("birthday", "start_date")
SKILLS_COLUMN = "skills"
DATA_COLUMNS = (*DATE_COLUMNS, SKILLS_COLUMN)


class CsvShapeError(ValueError):
    """The file as a whole cannot be imported (no usable header)."""


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.updated} people updated, {self.unchanged} unchanged, "
            f"{len(self.problems)} rows not imported"
        )


def read_rows(stream: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows keyed by lower-cased header, with the file line each started on."""
    reader = csv.DictReader(stream)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not any(h in header for h in ID_COLUMNS):
        raise CsvShapeError("the header needs a slack_user_id or an email column")
    if not any(h in header for h in DATA_COLUMNS):
        raise CsvShapeError("the header needs a birthday or a start_date column, or a skills column")
    reader.fieldnames = header
    line = reader.line_num
    for row in reader:
        yield line + 1, {k: (v or "").strip() for k, v in row.items() if k}
        line = reader.line_num


def open_csv(path: Path) -> TextIO:
    # utf-8-sig drops Excel's byte-order mark; newline="" lets csv handle CRLF itself.
    return path.open(encoding="utf-8-sig", newline="")


def import_people(
    session: Session,
    team_id: str,
    rows: Iterable[tuple[int, dict[str, str]]],
    today: date,
    progress: Callable[[int], None] | None = None,
    *,
    stored: MembersStored | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Apply every good row to the team's members; idempotent (same file, same result).

    `stored` (told at `now`) hears of the members whose skills changed; without it, the next
    directory sync tells its listeners of everyone."""
    members = list(session.scalars(select(Member).where(Member.team_id == team_id)))
    listed = {m.id: m.profile_skills for m in members}
    by_id = {m.user_id: m for m in members}
    by_email = {m.email.lower(): m for m in members if m.email}
    report = ImportReport()
    first_line: dict[int, int] = {}
    for count, (line, row) in enumerate(rows, start=1):
        if progress and count % 1000 == 0:
            progress(count)
        try:
            member = _who(row, by_id, by_email)
            if member.id in first_line:
                raise ValueError(f"{member.user_id} already appears on line {first_line[member.id]}")
            changed = _apply(member, row, today)
            first_line[member.id] = line
        except ValueError as problem:
            report.problems.append((line, str(problem)))
            continue
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    skilled = [m for m in members if m.profile_skills != listed[m.id]]
    if skilled and stored is not None:
        session.flush()
        at = now or datetime.combine(today, time(), UTC)
        stored(session, team_id, [(m.id, m.title) for m in skilled], at)
    return report


def _who(row: dict[str, str], by_id: dict[str, Member], by_email: dict[str, Member]) -> Member:
    uid, email = row.get("slack_user_id", ""), row.get("email", "").lower()
    if not uid and not email:
        raise ValueError("no slack_user_id or email")
    member = by_id.get(uid) if uid else by_email.get(email)
    if member is None:
        raise ValueError(f"no one in this workspace has {'the id ' + uid if uid else 'the email ' + email}")
    if member.is_bot:
        raise ValueError(f"{member.user_id} is a bot")
    return member


def _apply(member: Member, row: dict[str, str], today: date) -> bool:
    """Validate the whole row first, so a row is applied entirely or not at all."""
    updates: dict[str, object] = {}
    if row.get("birthday"):
        birthday = parse_birthday(row["birthday"], today)
        updates.update(birthday_month=birthday.month, birthday_day=birthday.day, birth_year=birthday.year)
    if row.get("start_date"):
        updates["start_date"] = parse_start_date(row["start_date"], today)
    skills = skills_text(row.get(SKILLS_COLUMN) or "")
    if not updates and skills is None:
        raise ValueError("no birthday or start_date or skills to import")
    changed = False
    for name, value in updates.items():
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed = True
    if skills is not None:
        changed = set_profile_skills(member, skills) or changed
    return changed
