"""Calls of the 3975 as the phone system reports them (newCall, answer, hangup)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Agent
from app.contacts.models import Resident
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime

STATES = ("ringing", "answered", "missed", "forwarded")


class Call(db.Model):
    """One phone call. `number` is the other party (caller when inbound), E.164, or None when anonymous or
    not known yet (an answer or hang-up that arrived before the newCall may not carry it)."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("state IN ('ringing', 'answered', 'missed', 'forwarded')", name="state"),
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_number", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The phone system's id as sent, or its digest when too long or holding a card number (app.telephony.callids).
    call_id: Mapped[str] = mapped_column(String(120), unique=True)
    direction: Mapped[str] = mapped_column(String(3), default="in")
    number: Mapped[str | None] = mapped_column(String(20))
    raw_number: Mapped[str | None] = mapped_column(String(40))  # as received, when it could not be normalised
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    dialled: Mapped[str | None] = mapped_column(String(40))  # the platform's number (`to` when inbound)
    queue: Mapped[str | None] = mapped_column(String(80))
    users: Mapped[str | None] = mapped_column(String(250))  # names the phone system gave, comma-separated
    state: Mapped[str] = mapped_column(String(10), default="ringing")
    # False while the call is known only from an answer or hang-up that overtook its newCall.
    announced: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    cause: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept as columns so that reports sum them in SQL: ringing time (to the answer, or to the hang-up of an
    # unanswered call) and talking time (answer to hang-up), in seconds.
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    called_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    called_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))

    agent: Mapped[Agent | None] = relationship(foreign_keys=[agent_id])
    resident: Mapped[Resident | None] = relationship()
    called_back_by: Mapped[Agent | None] = relationship(foreign_keys=[called_back_by_id])

    def __repr__(self) -> str:
        return f"<Call {self.call_id} {self.state}>"
