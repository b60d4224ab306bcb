"""Who knows what: skill vocabulary, declared skills, endorsements, evidence and ranking.

Modules: `names` (normalising and matching skill names, the curated alias table), `skills`
(the team vocabulary and what people declare), `endorsements`, `titles` (skills named in Slack
titles), `evidence` (pluggable evidence sources), `acquaintances` (the asker's contacts hook),
`ranking` (`/whoknows`), `commands` (parsing the three commands), `render` (Block Kit), `seed`.
"""
