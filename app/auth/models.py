"""Agents: who signs in, with which role, from which home site."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.channels.models import Site
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime


class Agent(UserMixin, db.Model):
    """A person who uses Relais. Never deleted: deactivated."""

    __tablename__ = "agents"
    __table_args__ = (
        CheckConstraint(
            "role IN ('counter_agent', 'operator_3975', 'facil_familles', 'manager', 'admin')",
            name="role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on password change or deactivation: every open session of the agent ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The 3975 phone extension (`answeringNumber` of the phone system's events).
    extension: Mapped[str | None] = mapped_column(String(20), unique=True)

    site: Mapped[Site | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive agents
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Agent {self.login} {self.role}>"


class AgentSession(db.Model):
    """One signed-in browser: the cookie carries its random id, the server can end it at any time.

    Only a digest of the id is stored, so reading this table gives no cookie that signs anyone in.
    """

    __tablename__ = "agent_sessions"
    __table_args__ = (Index("ix_agent_sessions_agent_id", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bytes, not text: a hex digest may look like a card number to the flush-time guard (app.web.hardening).
    token_digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # logout, deactivated, password, role, idle, expired
    end_reason: Mapped[str | None] = mapped_column(String(20))

    agent: Mapped[Agent] = relationship()  # read with the session by the user loader (one query)
