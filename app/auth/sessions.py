"""Server-side sessions: every signed-in browser holds a random id the server checks and can end.

The signed cookie alone proves nothing once the server has ended its session: sign-out,
deactivation, a new password, role or site end it; so do the idle timeout
(`PERMANENT_SESSION_LIFETIME`) and the absolute lifetime (`SESSION_ABSOLUTE_LIFETIME`, a working
day by default), whatever the cookie says.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import delete, update
from sqlalchemy.orm import contains_eager

from app.auth.models import Agent, AgentSession
from app.extensions import db
from app.timeutil import as_utc, utcnow

# last_seen_at is written at most this often (not on every request), so the idle timeout is this precise.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def start_session(agent: Agent) -> str:
    """Open a session for `agent`; returns the random id to keep in the cookie (stored only as a digest)."""
    token = secrets.token_urlsafe(32)
    # The agent's sessions past the absolute lifetime are over whatever they say: drop them (the audit
    # trail keeps the sign-ins and sign-outs), so the table holds about a day of sessions.
    db.session.execute(delete(AgentSession).where(
        AgentSession.agent_id == agent.id,
        AgentSession.started_at < utcnow() - current_app.config["SESSION_ABSOLUTE_LIFETIME"],
    ).execution_options(synchronize_session=False))
    db.session.add(AgentSession(token_digest=_digest(token), agent_id=agent.id))
    db.session.flush()
    return token


def _get(token: str | None) -> AgentSession | None:
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    return db.session.execute(
        db.select(AgentSession).where(AgentSession.token_digest == _digest(token))
    ).scalar_one_or_none()


def end_session(token: str | None, reason: str = "logout") -> None:
    """End the session of this id (sign-out); an unknown or ended id is left alone."""
    row = _get(token)
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason


def end_sessions_of(agent: Agent, reason: str) -> int:
    """End every open session of `agent` (deactivated, new password, role or site); returns how many."""
    result = db.session.execute(
        update(AgentSession)
        .where(AgentSession.agent_id == agent.id, AgentSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _end_reason(row: AgentSession, now) -> str | None:
    if now - as_utc(row.started_at) >= current_app.config["SESSION_ABSOLUTE_LIFETIME"]:
        return "expired"
    if now - as_utc(row.last_seen_at) >= current_app.config["PERMANENT_SESSION_LIFETIME"]:
        return "idle"
    return None


def session_agent(agent_id: int, token: str | None, version: int | None = None) -> Agent | None:
    """The agent `agent_id` if `token` is one of its open sessions, read with it in one query.

    With `version`, an inactive agent or a stale session version (password, role or site changed)
    gives None too, before the session is looked at. A session past its lifetime is ended here. Commits when it writes (the end of a session, or
    `last_seen_at` once a minute), before the view runs: the request's own work then starts a
    transaction of its own.
    """
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = db.session.execute(
        db.select(AgentSession).join(AgentSession.agent).options(contains_eager(AgentSession.agent))
        .where(AgentSession.token_digest == _digest(token), AgentSession.agent_id == agent_id)
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    agent = row.agent
    if version is not None and (agent.session_version != version or not agent.active):
        return None
    now = utcnow()
    reason = _end_reason(row, now)
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        db.session.commit()
        return None
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return agent


def check_session(agent_id: int, token: str | None) -> bool:
    """Whether `token` is an open session of agent `agent_id` (see `session_agent`)."""
    return session_agent(agent_id, token) is not None


# Residents whose page the agent opened in this session (most recent last), kept in the signed cookie.
LOOKED_UP_KEY = "residents_looked_up"
LOOKED_UP_KEPT = 20


def note_resident_looked_up(resident_id: int) -> None:
    """Remember that the agent opened this resident's page (the read itself is audited by the view)."""
    seen = [rid for rid in session.get(LOOKED_UP_KEY, []) if rid != resident_id]
    session[LOOKED_UP_KEY] = (seen + [resident_id])[-LOOKED_UP_KEPT:]


def residents_looked_up() -> frozenset[int]:
    """The residents whose page the agent opened in this session (see `can_view_ticket`)."""
    return frozenset(rid for rid in session.get(LOOKED_UP_KEY, []) if isinstance(rid, int))
