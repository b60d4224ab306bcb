"""What became of a nudge beyond the outbox's own states (pending, sent, expired…)."""

from __future__ import annotations

# Its reason went away before it was sent; its recipient settled it from the digest.
DROPPED, DONE, SNOOZED = "dropped", "done", "snoozed"
