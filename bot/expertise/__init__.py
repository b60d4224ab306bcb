"""Who knows what: skill names, declared skills, endorsements, evidence and the /whoknows ranking.

- `names`: normalising and matching skill names, the curated alias table (`bot/data/skills.json`).
- `vocabulary`: each workspace's skills in the database, and the per-process cached copy.
- `skills`, `endorsements`, `titles`: the evidence people give (and their Slack titles).
- `evidence`: pluggable evidence sources, time decay, the summed `skill_score`.
- `standings`: the strongest people for some skills, explained, cached per process by version.
- `ranking`: `/whoknows`; `acquaintances`: the hook for whom the asker already knows.
- `commands` (reading the three commands), `render` (Block Kit), `seed` (`rapport seed`).
"""
