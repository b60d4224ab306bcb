"""Kudos: `/kudos @bob for …` — `giving` (read, check, store once, settle), `posts` (to the
celebrations channel through the outbox), `evidence` (skills a reason names, for `/whoknows`)
and `render`."""
