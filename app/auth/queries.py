"""Read-side queries of agents."""

from app.auth.models import Agent
from app.extensions import db


def get_agent(agent_id: int) -> Agent | None:
    """The agent with this id (inactive ones too); None when unknown."""
    return db.session.get(Agent, agent_id)
