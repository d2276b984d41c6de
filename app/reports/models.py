"""Report runs and their stored results (tables, charts, files)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Agent
from app.extensions import db
from app.reports.facts import models as fact_models  # noqa: F401 - the fact tables belong to this domain
from app.timeutil import utcnow
from app.types import UTCDateTime

RUN_STATUSES = ("queued", "running", "finished", "failed")


class ReportRun(db.Model):
    """A dashboard or report computed by a worker."""

    __tablename__ = "report_runs"
    __table_args__ = (Index("ix_report_runs_key_status", "params_key", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))  # a report name, or "dashboard"
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    params_key: Mapped[str] = mapped_column(String(64))  # hash of name + params: the job id
    status: Mapped[str] = mapped_column(String(20), default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    scheduled: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress: Mapped[int] = mapped_column(default=0)  # percent
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(100))
    facts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # facts brought up to date at this instant

    requested_by: Mapped[Agent | None] = relationship()
    results: Mapped[list["ReportResult"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ReportResult.id"
    )


class ReportResult(db.Model):
    """One report's output inside a run: its table, and its chart as SVG."""

    __tablename__ = "report_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_runs.id", ondelete="CASCADE"), index=True)
    report: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(250))
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # {"tables": {name: {"columns": [...], "rows": [...]}}, ...}
    chart_svg: Mapped[str | None] = mapped_column(Text)

    run: Mapped[ReportRun] = relationship(back_populates="results")


class ReportFile(db.Model):
    """A downloadable export of a run (CSV, XLSX)."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("report_runs.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
