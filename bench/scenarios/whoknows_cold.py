"""`/whoknows <team-made skill>` on the `whoknows` workspace, most topics asked about once: the
standings are computed (a query off the score index, one for the evidence of the people shown)
instead of coming from the cache, as for the first question after evidence changed."""

from __future__ import annotations

from bench.scenario import Scenario
from bench.scenarios import whoknows
from bot.seeding.expertise import team_made_names

# 2,250 names: most of them are skills of the seeded workspace, the rest find nobody.
NAMES = team_made_names()

SCENARIO = Scenario(
    name="whoknows-cold",
    command="/whoknows",
    texts=lambda rng: rng.choice(NAMES).lower(),
    users=whoknows.asker,
    prepare=whoknows.prepare,
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
