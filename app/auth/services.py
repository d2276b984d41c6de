"""Agents: creation, authentication with lock-out, deactivation, passwords."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, literal, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import Agent
from app.auth.passwords import hash_password, verify_password
from app.auth.sessions import end_sessions_of
from app.channels.models import Site
from app.config import ROLES
from app.extensions import db
from app.timeutil import as_utc, utcnow
from app.types import UTCDateTime

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
        raise _login_taken(login)
    _check_password(password)
    agent = Agent(login=login, role=role, name=name or login, site=site, password_hash=hash_password(password))
    try:
        with db.session.begin_nested():  # the unique index decides when two admins create it at once
            db.session.add(agent)
            db.session.flush()
    except IntegrityError as exc:
        raise _login_taken(login) from exc
    return agent


def _login_taken(login: str) -> AgentError:
    return AgentError(f"L'identifiant {login!r} existe déjà.")


def count_failure(agent: Agent, now: datetime) -> None:
    """Count one wrong password in a single UPDATE (concurrent failures all count); the one that reaches
    `LOGIN_MAX_FAILURES` locks the account for `LOGIN_LOCK_MINUTES` and starts the count again."""
    reached = Agent.failed_logins + 1 >= current_app.config["LOGIN_MAX_FAILURES"]
    until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    db.session.execute(
        update(Agent).where(Agent.id == agent.id)
        .values(failed_logins=case((reached, 0), else_=Agent.failed_logins + 1),
                locked_until=case((reached, literal(until, UTCDateTime())), else_=Agent.locked_until))
        .execution_options(synchronize_session=False))
    db.session.expire(agent, ["failed_logins", "locked_until"])


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
        count_failure(agent, now)
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
    end_sessions_of(agent, "deactivated")


def set_password(agent: Agent, password: str) -> None:
    """Change an agent's password, unlock the account and end every open session."""
    _check_password(password)
    agent.password_hash = hash_password(password)
    agent.session_version += 1
    end_sessions_of(agent, "password")
    agent.failed_logins = 0
    agent.locked_until = None


def list_agents() -> list[Agent]:
    """Every agent, by login."""
    return list(db.session.execute(db.select(Agent).order_by(Agent.login)).scalars())
