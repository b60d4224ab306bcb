"""`rapport seed`: a deterministic synthetic workspace for demos and benchmarks. `members` seeds the
people and runs the domain seeders it is given (`bot.bootstrap` lists them): `expertise`,
`relationships` and `kudos`."""
