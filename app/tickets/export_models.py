"""XLSX exports of a ticket list: asked for on the list, written by a job, kept a limited time."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Agent
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime
from app.web.filters import french_count

EXPORT_STATUSES = ("queued", "running", "finished", "failed", "expired")
ACTIVE = ("queued", "running")
EXPORT_STATUS_LABELS = {"queued": "En attente du worker", "running": "En cours d'écriture", "finished": "Prêt",
                        "failed": "En échec", "expired": "Fichier supprimé"}


def export_job_id(export_id: int) -> str:
    """The export's job id on the queue (deterministic: asking twice while it waits starts one job)."""
    return f"ticket-export-{export_id}"


class ExportTooLargeError(Exception):
    """The list has more tickets than an XLSX export takes: the CSV is offered instead."""

    def __init__(self, limit: int):
        super().__init__(too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    """Why a list is not exported as XLSX (said on the list's refusal page and on a job that found more)."""
    count = french_count(limit)
    return (f"Cette liste compte plus de {count} tickets : au-delà, l'export XLSX n'est pas produit (le fichier "
            "serait long à écrire et lent à ouvrir dans un tableur). Réduisez la période ou ajoutez un filtre, "
            "ou téléchargez le CSV de la même liste : il n'a pas de limite et s'ouvre aussi dans Excel.")


class TicketExport(db.Model):
    """One XLSX export of a ticket list for one agent: its filters, its progress, then its file.

    `filters` are the list's filters as plain values (`TicketFilters.to_params`): the job applies them
    with the agent's visibility as it is when the job runs. `query` is the list's query string (the
    CSV link and the audit entry). The file is kept in `ticket_export_parts` until `expires_at`.
    """

    __tablename__ = "ticket_exports"
    __table_args__ = (Index("ix_ticket_exports_agent_key", "agent_id", "filters_key"),
                      Index("ix_ticket_exports_status_expires", "status", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    filters_key: Mapped[str] = mapped_column(String(64))  # sha256 of the filters: one job for the same ask
    query: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the file is deleted after it
    rows_total: Mapped[int] = mapped_column(Integer, default=0)  # counted when asked (the job may find more)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(100))
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)  # the job's timings and peak memory
    error: Mapped[str | None] = mapped_column(Text)  # why the job failed, for the agent

    agent: Mapped[Agent] = relationship()

    @property
    def done(self) -> bool:
        return self.status in ("finished", "failed", "expired")

    @property
    def percent(self) -> int:
        """How far the job is, by rows written out of the rows counted when asked."""
        if self.done:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_written * 100 // self.rows_total)


class TicketExportPart(db.Model):
    """A piece of an export's file (the file is read and written piece by piece: memory stays flat)."""

    __tablename__ = "ticket_export_parts"

    export_id: Mapped[int] = mapped_column(ForeignKey("ticket_exports.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
