"""Celebrations in a channel: where they go (`channel`), the daily post of birthdays, work
anniversaries and promotions (`occasions`, `daily`, `render`), asking people before a first
public celebration (`consent`, which also says who may be celebrated in public at all), and the
settings people and admins choose (`settings`, `ids`). Kudos post in the same channel (`bot.kudos`)."""
