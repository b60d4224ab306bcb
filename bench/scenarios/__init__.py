"""The registered scenarios, in the order `python -m bench` runs them.

Adding one: a module here defining `SCENARIO`, then one import line and one list entry below.
"""

from __future__ import annotations

from bench.scenario import Scenario
from bench.scenarios import help as help_
from bench.scenarios import kudos as kudos_
from bench.scenarios import log as log_
from bench.scenarios import whoknows as whoknows_
from bench.scenarios import whoknows_cold, whoknows_plain

SCENARIOS: list[Scenario] = [
    help_.SCENARIO,
    whoknows_.SCENARIO,
    whoknows_cold.SCENARIO,
    whoknows_plain.SCENARIO,
    log_.SCENARIO,
    kudos_.SCENARIO,
]
