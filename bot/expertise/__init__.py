"""Who knows what: skill names, declared skills, endorsements, evidence and the /whoknows ranking.

- `names`: normalising and matching skill names, the curated alias table (`data/skills.json`).
- `vocabulary`: each workspace's skills in the database, and the per-process cached copy.
- `skills`, `endorsements`, `titles`: the evidence people give (and their Slack titles).
- `evidence`: evidence sources, time decay, the summed `skill_score`.
- `standings`: the strongest people for some skills, explained, cached per process by version.
- `ranking`: `/whoknows`, given whom the asker already knows (`KnownPeople`, from the
  relationship log).
- `commands` (reading the three commands), `render` (Block Kit), `ids` (its Slack ids).

Which evidence sources count is decided in `bot.bootstrap` (kudos reasons are one:
`bot.kudos.evidence`).
"""
