"""What every domain stands on: settings, the clock and time zones, the database and portable SQL,
Slack's Web API clients and tokens, Block Kit primitives and mrkdwn, and the shape of a refusal.

Nothing here knows a feature of Rapport.
"""
