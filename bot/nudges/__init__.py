"""Nudges: planning what deserves each person's attention, and the daily digest DM it travels in.

`planning` runs the sources, `kinds` says how each kind of nudge reads, `digest` groups a
person's nudges into one DM a day, `acting` handles its buttons. Importing this package
registers the built-in sources and kinds: the relationship log's follow-ups, cadences and first
talks, celebrations of people in one's circle, endorsements and kudos received.
"""

from bot.nudges.planning import plan as plan
from bot.nudges.sources import endorsements as received  # endorsements received
from bot.nudges.sources import kudos as kudos_nudges  # kudos received; givers' circles
from bot.nudges.sources import (
    occasions,  # birthdays, anniversaries, promotions
    relationships,  # follow-ups, cadences, first talks
)

__all__ = ["kudos_nudges", "occasions", "plan", "received", "relationships"]
