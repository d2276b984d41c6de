"""The training blueprint and what its views share."""

from datetime import date

from flask import Blueprint, abort

from app.auth.models import Agent
from app.auth.queries import get_agent
from app.timeutil import paris_day, utcnow
from app.training import cache as rules_cache
from app.training.forms import choices
from app.training.queries import list_modules, list_requirements, livret, requirement_labels
from app.training.rules import is_valid_on


def new_blueprint() -> Blueprint:
    """An empty training blueprint; `views.build_blueprint` puts the pages on it (one per app).

    Registering it also starts watching the training rules' snapshot (`app.training.cache`).
    """
    bp = Blueprint("training", __name__, url_prefix="/training")
    bp.record_once(lambda state: rules_cache.init_app(state.app))
    return bp


def today() -> date:
    """Today in Paris: statuses are computed for it."""
    return paris_day(utcnow())


def agent_or_404(agent_id: int) -> Agent:
    return get_agent(agent_id) or abort(404)


def module_choices() -> list:
    return choices((m.code, f"{m.title} ({m.code})") for m in list_modules(active_only=True))


def livret_context(agent: Agent) -> dict:
    """What a livret page shows: each module's status, and what each requirement lets the agent do today."""
    day = today()
    modules = livret(agent.id, day)
    held = {row.module.id: row.latest for row in modules if row.latest is not None}
    permissions = []
    for requirement in list_requirements():
        latest = held.get(requirement.module_id)
        allowed = latest is not None and is_valid_on(latest.trained_on, latest.expires_on, day)
        permissions.append((requirement_labels(requirement), requirement.module, allowed))
    return {"agent": agent, "modules": modules, "permissions": permissions, "today": day}
