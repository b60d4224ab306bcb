"""Nudges: what deserves each person's attention, and the one daily DM it travels in.

- `planning`: the `Planner` runs the sources as set-based SQL into `nudge`; `circle`: who is in
  whose circle; `sources/`: the kinds of nudge (follow-ups, cadences and first talks; birthdays,
  anniversaries and promotions; endorsements; kudos), each a SQL source and a `kinds.Kind`.
- `kinds`: digest sections and how a kind reads; `digest`: a person's nudges of a day as one
  outbox row; `render`: its Block Kit; `acting`: Done, Snooze and Log it on any item.

Which sources, kinds and circle parts there are is decided in `bot.bootstrap`, nowhere else.
"""
