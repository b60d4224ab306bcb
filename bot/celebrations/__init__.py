"""Celebrations in a channel: where they go (`channel`), the daily post of birthdays, work
anniversaries and promotions (`occasions`, `daily`, `render`), asking people before a first
public celebration (`consent`), titles shown capped and inert (`titles`), and the settings people
and admins choose (`settings`, `ids`). Kudos post in the same channel (`bot.kudos`)."""
