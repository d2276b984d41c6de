"""Agents: who signs in, with which role, from which home site."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
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
