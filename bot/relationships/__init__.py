"""The private relationship log: interactions, follow-ups, keep-in-touch cadences, what is due
(the agenda), the Home tab, and whom someone already knows. Everything here is its author's alone.

- `interactions` (with `logtext` and `dates` reading what people type), `followups`, `cadences`,
  `due` (the one shape of a due item), `agenda`, `home`, `acquaintances`.
- `render/`: Block Kit for the log, what is due and the Home tab; `ids`: their Slack ids.
"""
