"""Celebrations in a channel: where they go (`channel`), the daily post of birthdays, work
anniversaries and promotions (`occasions`, `daily`, `render`), and the settings people and admins
choose (`settings`, `ids`). Kudos post in the same channel (`bot.kudos`)."""
