"""Audit trail: who read or changed which personal data, when, from where."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime


class AuditEntry(db.Model):
    """One audited action. Written once; the application never updates or deletes it (only the purge job)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_agent_at", "agent_id", "at"),
        Index("ix_audit_entries_resident_at", "resident_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    agent_login: Mapped[str | None] = mapped_column(String(80))  # kept as typed, even for failed sign-ins
    action: Mapped[str] = mapped_column(String(40))  # e.g. resident.view, login.failed, access.refused
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditMasking(db.Model):
    """Present only inside the transaction of `privacy scan-cards --mask`: while a row exists, the
    database lets that transaction replace card numbers in the text columns of audit entries (and
    nothing else: id, time, agent and resident stay as written). No other code writes this table."""

    __tablename__ = "audit_maskings"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntryImmutableError(RuntimeError):
    """Raised when code tries to change or delete an audit entry through the ORM."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise AuditEntryImmutableError(f"Audit entry {target.id} cannot be changed.")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise AuditEntryImmutableError(f"Audit entry {target.id} cannot be deleted (only the purge job removes entries).")
