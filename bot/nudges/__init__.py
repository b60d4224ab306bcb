"""Nudges: planning what deserves each person's attention, and the daily digest DM it travels in.

`planning` runs the sources, `kinds` says how each kind of nudge reads, `digest` groups a
person's nudges into one DM a day, `acting` handles its buttons. Importing this package
registers the built-in sources and kinds.
"""

from bot.nudges import occasions as occasions  # registers birthdays, anniversaries, promotions
from bot.nudges.planning import plan as plan

__all__ = ["occasions", "plan"]
