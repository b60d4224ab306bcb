"""slack_sdk's OAuth tables (installations, bots, states), managed by our migrations."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.models.base import Base

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
STATES = "slack_oauth_states"

installations = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS)
bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS)
states = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, STATES)
