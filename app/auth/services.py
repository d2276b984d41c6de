"""Agents: creation, authentication with lock-out, deactivation, passwords."""

from datetime import datetime, timedelta

from flask import current_app

from app.auth.models import Agent
from app.auth.passwords import hash_password, verify_password
from app.channels.models import Site
from app.config import ROLES
from app.extensions import db
from app.timeutil import as_utc, utcnow

MIN_PASSWORD_LENGTH = 10


class AgentError(ValueError):
    """A rule about agents was broken; the message is for the person who asked."""


class AccountLockedError(AgentError):
    """Too many wrong passwords: the account is locked until `until`."""

    def __init__(self, until: datetime):
        super().__init__("Compte verrouillé")
        self.until = until


def get_agent_by_login(login: str) -> Agent | None:
    """The agent with this login (case-insensitive), or None."""
    return db.session.execute(db.select(Agent).where(Agent.login == login.strip().lower())).scalar_one_or_none()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AgentError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")


def create_agent(login: str, role: str, password: str, name: str | None = None, site_code: str | None = None) -> Agent:
    """Create an agent. Raises AgentError for an unknown role or site, a taken login, a short password."""
    login = login.strip().lower()
    if not login or len(login) > 80:
        raise AgentError("Identifiant invalide : 1 à 80 caractères.")
    if role not in ROLES:
        raise AgentError(f"Rôle inconnu : {role!r} (attendu : {', '.join(ROLES)}).")
    site = None
    if site_code:
        site = db.session.execute(db.select(Site).where(Site.code == site_code)).scalar_one_or_none()
        if site is None:
            raise AgentError(f"Site inconnu : {site_code!r}.")
    if get_agent_by_login(login) is not None:
        raise AgentError(f"L'identifiant {login!r} existe déjà.")
    _check_password(password)
    agent = Agent(login=login, role=role, name=name or login, site=site, password_hash=hash_password(password))
    db.session.add(agent)
    db.session.flush()
    return agent


def authenticate(login: str, password: str) -> Agent | None:
    """Return the agent when the password is right; None otherwise.

    Wrong passwords are counted; at `LOGIN_MAX_FAILURES` the account is locked for
    `LOGIN_LOCK_MINUTES` and AccountLockedError is raised, even with the right password.
    """
    agent = get_agent_by_login(login)
    now = utcnow()
    if agent is not None and agent.locked_until and as_utc(agent.locked_until) > now:
        raise AccountLockedError(as_utc(agent.locked_until))
    ok = verify_password(agent.password_hash if agent else None, password)
    if agent is None:
        return None
    if not ok:
        agent.failed_logins = (agent.failed_logins or 0) + 1
        if agent.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            agent.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            agent.failed_logins = 0
        return None
    if not agent.active:
        return None
    agent.failed_logins = 0
    agent.locked_until = None
    agent.last_login_at = now
    return agent


def deactivate_agent(agent: Agent) -> None:
    """Deactivate an agent and end every open session."""
    agent.active = False
    agent.session_version += 1


def set_password(agent: Agent, password: str) -> None:
    """Change an agent's password, unlock the account and end every open session."""
    _check_password(password)
    agent.password_hash = hash_password(password)
    agent.session_version += 1
    agent.failed_logins = 0
    agent.locked_until = None


def list_agents() -> list[Agent]:
    """Every agent, by login."""
    return list(db.session.execute(db.select(Agent).order_by(Agent.login)).scalars())
