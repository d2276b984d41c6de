"""Report runs: ask for one (joining an identical run already under way), and mark its progress."""

import logging
from datetime import date

from flask import current_app
from rq import Retry

from app.config import QUEUE_REPORTS
from app.extensions import db
from app.jobs.queue import enqueue
from app.reports.models import ReportRun
from app.reports.params import ReportError, ReportParams, params_key
from app.reports.registry import REPORTS
from app.reports.tasks import compute_run
from app.timeutil import paris_day, utcnow

logger = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
DASHBOARD = "dashboard"
JOB_TIMEOUT = 15 * 60
RESULT_TTL = 300  # the database is the record: Redis keeps the job briefly


def run_spec(reports: list[str] | None, params: ReportParams) -> tuple[str, dict]:
    """The run's name and stored parameters; an unknown report is a `ReportError`."""
    names = list(reports or REPORTS)
    unknown = [n for n in names if n not in REPORTS]
    if unknown:
        raise ReportError(f"Rapport inconnu : {', '.join(unknown)}.")
    ordered = [n for n in REPORTS if n in names]
    name = ordered[0] if len(ordered) == 1 else DASHBOARD
    return name, {**params.to_dict(), "reports": ordered}


def job_id_for(run: ReportRun) -> str:
    return f"report-{run.params_key[:40]}"


def find_active_run(key: str) -> ReportRun | None:
    """The oldest queued or running run with this parameters key."""
    return db.session.execute(
        db.select(ReportRun).where(ReportRun.params_key == key, ReportRun.status.in_(ACTIVE))
        .order_by(ReportRun.id).limit(1)).scalar_one_or_none()


def enqueue_run(run: ReportRun):
    """Put a committed run on the reports queue (deterministic job id: duplicates join)."""
    return enqueue(compute_run, run.id, queue=QUEUE_REPORTS, job_id=run.job_id, job_timeout=JOB_TIMEOUT,
                   result_ttl=RESULT_TTL, failure_ttl=7 * 24 * 3600, retry=Retry(max=2, interval=[10, 30]))


def request_run(reports: list[str] | None, params: ReportParams, agent=None, scheduled: bool = False) -> ReportRun:
    """Ask for a run of `reports` (all when None) over `params`; returns the run (maybe one already under way).

    Unlike other services this one commits: the run must be in the database before a worker
    can pick up its job. Without Redis the job runs here, before this returns.
    """
    name, stored = run_spec(reports, params)
    key = params_key(name, stored)
    existing = find_active_run(key)
    if existing is not None:
        return existing
    run = ReportRun(name=name, params=stored, params_key=key, status="queued", requested_by=agent,
                    scheduled=scheduled)
    run.job_id = job_id_for(run)
    db.session.add(run)
    db.session.commit()
    first = find_active_run(key)
    if first is not None and first.id != run.id:  # another request won the race: join it
        db.session.delete(run)
        db.session.commit()
        return first
    db.session.commit()  # end the read transaction: the job (maybe in this process) works in its own
    try:
        enqueue_run(run)
    except Exception:  # noqa: BLE001 - an in-process run records its own failure on the run
        logger.exception("Échec du calcul en processus du run %s", run.id)
    db.session.expire(run)
    return run


def max_in_process_days(app=None) -> int:
    """Longest period computed in the web process when no worker is reachable."""
    return (app or current_app).config.get("REPORTS_IN_PROCESS_MAX_DAYS", 731)


def request_programme_dashboard() -> int:
    """Periodic job (Mondays 06:00): the programme dashboard, every report over the current year; returns the run id."""
    today = paris_day(utcnow())
    run = request_run(None, ReportParams(date(today.year, 1, 1), today), scheduled=True)
    return run.id
