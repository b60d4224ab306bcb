"""The directory: members and workspaces as Slack describes them, kept in step (sync, events,
custom profile fields, a CSV import), personal dates, seniority, working days, and each
member's own settings modal."""
