"""Rapport's own words: the catalog of slash commands, help, usage, privacy and the apology."""
