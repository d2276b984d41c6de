"""Import runs: an uploaded file checked and written by a job."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.auth.models import Agent
from app.extensions import db
from app.timeutil import utcnow
from app.types import UTCDateTime

IMPORT_STATUSES = ("queued", "running", "finished", "refused", "failed")
# stage -> (percent when it starts, percent it spans), from bench/results-import.json; the writing stage
# (bulk COPY in one transaction, most of the time on a large file) has no measurable progress.
STAGE_SPANS = {"reading": (0, 0), "checking": (10, 50), "residents": (60, 5), "rules": (65, 30)}


class ImportRun(db.Model):
    """One upload of a ticket file: its content hash, progress while the job reads it, and its result.

    The file itself is kept only until the job has read it (`data` is emptied at the end).
    """

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_content_hash", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the bytes: the same file twice
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    stage: Mapped[str | None] = mapped_column(String(20))  # while running: a key of importing.STAGES
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lines_total: Mapped[int] = mapped_column(Integer, default=0)
    lines_read: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)  # counts, summary and the first errors
    error: Mapped[str | None] = mapped_column(Text)  # why a job failed (not a line of the file)

    agent: Mapped[Agent | None] = relationship()

    @property
    def done(self) -> bool:
        return self.status in ("finished", "refused", "failed")

    @property
    def percent(self) -> int | None:
        """How far the job checked the file, across its stages; None while writing (not measurable)."""
        if self.done:
            return 100
        if self.stage == "writing":
            return None
        start, width = STAGE_SPANS.get(self.stage or "", (0, 0))
        share = self.lines_read / self.lines_total if self.lines_total else 0
        return min(99, int(start + width * share))
