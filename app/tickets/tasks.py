"""RQ jobs of the tickets domain: import a kept file (ids in, id out; the result lives on the run)."""

import logging
import time

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Agent
from app.extensions import db
from app.tickets.import_models import ImportRun
from app.tickets.importing import import_tickets
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two progress commits
KEPT_ERRORS = 500  # errors kept on the run for the page; the command line lists them all
FAILED_MESSAGE = ("L'import n° {run_id} a échoué à cause d'une erreur interne : rien n'a été importé. "
                  "Relancez-le ; si l'erreur persiste, prévenez l'administrateur.")


def _progress_writer(run_id: int):
    """A callback committing the run's stage and counts: each new stage, then at most every PROGRESS_EVERY s.

    The import calls it before writing anything, so committing here commits only the progress.
    """
    last, last_stage = 0.0, None

    def write(stage: str, done: int, total: int, errors: int) -> None:
        nonlocal last, last_stage
        if stage == last_stage and time.monotonic() - last < PROGRESS_EVERY:
            return  # a new stage is always shown
        last_stage = stage
        values = {"stage": stage, "lines_read": done, "error_count": errors}
        if total:
            values["lines_total"] = total
        db.session.execute(db.update(ImportRun).where(ImportRun.id == run_id).values(**values))
        db.session.commit()
        last = time.monotonic()

    return write


def _finish(run_id: int, result, status: str) -> None:
    values = {"status": status, "stage": None, "finished_at": utcnow(), "data": None,
              "lines_total": result.lines, "lines_read": result.lines, "error_count": len(result.errors),
              "result": {"summary": result.summary(), "ok": result.ok, "dry_run": result.dry_run,
                         "tickets_created": result.tickets_created, "tickets_skipped": result.tickets_skipped,
                         "residents_created": result.residents_created,
                         "residents_matched": result.residents_matched, "errors": result.errors[:KEPT_ERRORS]}}
    db.session.execute(db.update(ImportRun).where(ImportRun.id == run_id).values(**values))


def perform_import(run_id: int, progress=None):
    """Check and (when every line is right and it is no dry run) write the run's file; returns the ImportResult.

    Tickets, residents, the audit entry and the run's result are committed together; a refused file
    writes only the run's result (its first errors). A failure marks the run failed and re-raises.
    Returns None when the run is unknown or already done.
    """
    run = db.session.get(ImportRun, run_id)
    if run is None or run.status not in ("queued", "running"):
        return None
    run.status, run.started_at, run.stage = "running", utcnow(), "reading"
    data, dry_run, file_name, agent_id = run.data, run.dry_run, run.file_name, run.agent_id
    db.session.commit()
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False  # progress commits keep the rows
    try:
        agent = db.session.get(Agent, agent_id) if agent_id is not None else None
        result = import_tickets(data, agent=agent, dry_run=dry_run, source=file_name, progress=progress)
        if result.ok and not dry_run:
            record("ticket.import", Actor(agent, login="cli"), object_type="ticket",
                   detail={"file": file_name, "run": run_id, "created": result.tickets_created,
                           "skipped": result.tickets_skipped, "residents_created": result.residents_created})
        else:
            db.session.rollback()
        _finish(run_id, result, "finished" if result.ok else "refused")
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("Import %s en échec", run_id)
        db.session.execute(db.update(ImportRun).where(ImportRun.id == run_id).values(
            status="failed", stage=None, finished_at=utcnow(), data=None,
            error=FAILED_MESSAGE.format(run_id=run_id)))
        db.session.commit()
        raise
    finally:
        session.expire_on_commit = expire_on_commit
    return result


def run_import(run_id: int) -> int:
    """RQ job: `perform_import` with its progress committed as it goes; returns the run id."""
    perform_import(run_id, progress=_progress_writer(run_id))
    return run_id
