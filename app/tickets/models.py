"""Tickets: one assisted interaction each, with an append-only history."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Agent
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime

STATUSES = ("open", "in_progress", "waiting_resident", "resolved", "closed", "transferred")
OUTCOMES = ("completed", "partial", "redirected", "not_possible_online", "abandoned")
MODES = ("guided", "together", "on_behalf")
DIGITAL_CHOICES = ("chose_digital", "no_alternative", "wanted_other_channel")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({quoted})"


class Ticket(db.Model):
    """One interaction: resident (or anonymous caller), channel, site, device, procedure, agent."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(_in("mode", MODES), name="mode"),
        CheckConstraint(_in("digital_choice", DIGITAL_CHOICES), name="digital_choice"),
        CheckConstraint("anonymous OR resident_id IS NOT NULL", name="resident_or_anonymous"),
        Index("ix_tickets_site_status_opened", "site_id", "status", "opened_at"),
        Index("ix_tickets_agent_status", "agent_id", "status"),
        Index("ix_tickets_resident_opened", "resident_id", "opened_at"),
        Index("ix_tickets_opened_at", "opened_at"),
        Index("ix_tickets_updated_at", "updated_at"),
        Index("ix_tickets_transferred_from_id", "transferred_from_id"),
        Index("ix_tickets_submission_token", "submission_token", unique=True),
        # Tickets flagged "agent non formé" are few: the training reports find them without a scan.
        Index("ix_tickets_untrained_opened", "opened_at", postgresql_where=text("untrained_agent"),
              sqlite_where=text("untrained_agent = 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 2017-000123. FetchedValue (no DDL): when the INSERT computes it (the year's sequence on PostgreSQL),
    # the ORM reads it back from the INSERT's RETURNING instead of a SELECT.
    reference: Mapped[str] = mapped_column(String(20), unique=True, server_default=FetchedValue())
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The one-time token of the form that created it: a form posted twice logs once (app.tickets.submissions).
    submission_token: Mapped[str | None] = mapped_column(String(64))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(30))
    mode: Mapped[str | None] = mapped_column(String(20))
    digital_choice: Mapped[str | None] = mapped_column(String(30))
    requested_procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    requested_service_text: Mapped[str | None] = mapped_column(String(250))
    payment_assisted: Mapped[bool] = mapped_column(Boolean, default=False)
    protocol_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    protocol_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    family_number: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Saved although its agent lacked a required training module (site policy "allow and flag").
    untrained_agent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    resident: Mapped[Resident | None] = relationship()
    channel: Mapped[Channel] = relationship()
    site: Mapped[Site] = relationship()
    device: Mapped[Device | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship(foreign_keys=[procedure_id])
    requested_procedure: Mapped[Procedure | None] = relationship(foreign_keys=[requested_procedure_id])
    agent: Mapped[Agent | None] = relationship(foreign_keys=[agent_id])
    protocol_confirmed_by: Mapped[Agent | None] = relationship(foreign_keys=[protocol_confirmed_by_id])
    transferred_from: Mapped["Ticket | None"] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Ticket {self.reference}>"


class TicketEvent(db.Model):
    """An entry of a ticket's append-only history."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))  # created, updated, status, transferred, imported, merged
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {field: [old, new]}
    # The ticket's version after this change: "what changed since version N" for optimistic locking.
    ticket_version: Mapped[int | None] = mapped_column(Integer)

    agent: Mapped[Agent | None] = relationship()


class TicketSequence(db.Model):
    """The last number given to a ticket reference, per year."""

    __tablename__ = "ticket_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
