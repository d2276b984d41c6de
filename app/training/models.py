"""Training modules, agents' training records, the modules procedures and channels require, site policies."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Agent
from app.channels.models import Channel, Procedure, Site
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime

# What a requirement applies to: every payment-assisted ticket, every State procedure, one procedure,
# one channel.
SCOPES = ("payment", "state", "procedure", "channel")
# What a site does when the agent lacks a required module (payment-assisted tickets are always refused).
POLICIES = ("refuse", "flag")
DEFAULT_POLICY = "refuse"


class TrainingModule(db.Model):
    """A training module (facilitation, payment protocol...) and how long a session stays valid."""

    __tablename__ = "training_modules"
    __table_args__ = (CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: valid for good
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<TrainingModule {self.code}>"


class TrainingRecord(db.Model):
    """One session an agent followed: module, date, trainer; its expiry comes from the module's validity."""

    __tablename__ = "training_records"
    __table_args__ = (
        UniqueConstraint("agent_id", "module_id", "trained_on", name="uq_training_records_agent_module_day"),
        CheckConstraint("expires_on IS NULL OR expires_on > trained_on", name="expiry_after_training"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"), index=True)
    trained_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    trainer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="form")  # form, import, command, pilot
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))

    agent: Mapped[Agent] = relationship(foreign_keys=[agent_id])
    module: Mapped[TrainingModule] = relationship()


class TrainingRequirement(db.Model):
    """A module an agent must hold to log a ticket of this scope (payment, State, a procedure, a channel)."""

    __tablename__ = "training_requirements"
    __table_args__ = (
        CheckConstraint("scope IN ('payment', 'state', 'procedure', 'channel')", name="scope"),
        CheckConstraint("(scope = 'procedure') = (procedure_id IS NOT NULL)", name="procedure_scope"),
        CheckConstraint("(scope = 'channel') = (channel_id IS NOT NULL)", name="channel_scope"),
        UniqueConstraint("module_id", "scope", "procedure_id", "channel_id", name="uq_training_requirements_module_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"))
    scope: Mapped[str] = mapped_column(String(20))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))

    module: Mapped[TrainingModule] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    channel: Mapped[Channel | None] = relationship()


class TrainingSitePolicy(db.Model):
    """What a site does with a ticket whose agent lacks a required module: refuse it, or save and flag it."""

    __tablename__ = "training_site_policies"
    __table_args__ = (CheckConstraint("on_missing IN ('refuse', 'flag')", name="on_missing"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True, autoincrement=False)
    on_missing: Mapped[str] = mapped_column(String(10), default=DEFAULT_POLICY)

    site: Mapped[Site] = relationship()
