"""All tables, one module per domain; importing this package registers them all."""

from bot.models import activity, celebrations, expertise, installs, outbox, relationships
from bot.models.base import Base, UTCDateTime
from bot.models.directory import Member, ProcessedEvent, TitleChange, Workspace

__all__ = [
    "Base",
    "Member",
    "ProcessedEvent",
    "TitleChange",
    "UTCDateTime",
    "Workspace",
    "activity",
    "celebrations",
    "expertise",
    "installs",
    "outbox",
    "relationships",
]
