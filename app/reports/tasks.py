"""RQ jobs of the reports domain: compute a run, reap runs whose worker died, the Monday dashboard.

Jobs take ids and return ids; results live in the database. A run's results, charts and files
are written in ONE commit at the end, so a worker killed mid-job leaves no half-written result.
"""

import logging
import time

from rq import get_current_job
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.reports.charts import chart_svg
from app.reports.exports import build_csv, build_xlsx, export_filename
from app.reports.facts.refresh import bring_facts_up_to_date
from app.reports.models import ReportFile, ReportResult, ReportRun
from app.reports.params import ReportError, ReportParams
from app.reports.queries import reference_names
from app.reports.registry import REPORTS, compute_report
from app.reports.tables import serialise_tables
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

TRANSIENT_MESSAGE = "La base de données ne répond pas ; nouvel essai automatique."
INTERNAL_MESSAGE = ("Le calcul du rapport « {title} » a échoué à cause d'une erreur interne "
                    "(run n° {run_id}). Relancez la demande ; si l'erreur persiste, prévenez l'administrateur.")


def start_run(run: ReportRun) -> None:
    """Mark the run running (committed), recording the RQ job that runs it."""
    run.status, run.started_at, run.finished_at, run.progress, run.error = "running", utcnow(), None, 0, None
    job = get_current_job()
    if job is not None:
        run.job_id = job.id
    db.session.commit()


PROGRESS_EVERY = 0.5  # seconds between two progress commits: a fast run is not slowed by them


def _progress_writer(run_id: int):
    """A callback committing the run's progress, at most every PROGRESS_EVERY seconds."""
    last = time.monotonic()

    def write(percent: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY:
            return
        db.session.execute(db.update(ReportRun).where(ReportRun.id == run_id).values(progress=percent))
        db.session.commit()
        last = time.monotonic()

    return write


def compute_results(run: ReportRun, on_progress=None) -> tuple[list[ReportResult], list[ReportFile]]:
    """Compute every report the run asks for: result rows (tables + chart) and export files, not yet added."""
    params = ReportParams.from_dict(run.params)
    names = run.params.get("reports") or list(REPORTS)
    computed, results, naming = [], [], reference_names()
    for index, name in enumerate(names, start=1):
        report = REPORTS[name]
        try:
            output = compute_report(name, params)
        except ReportError:
            raise
        except OperationalError:
            raise
        except Exception as exc:
            raise ReportError(INTERNAL_MESSAGE.format(title=report.title, run_id=run.id)) from exc
        computed.append((report, output))
        results.append(ReportResult(report=name, title=report.title,
                                    data={"summary": output["summary"], "tables": serialise_tables(output["tables"]),
                                          "names": naming},
                                    chart_svg=chart_svg(name, report.title, output, params, naming)))
        if on_progress:
            on_progress(int(90 * index / len(names)))
    stem = export_filename(run)
    files = [ReportFile(format="csv", filename=f"{stem}.csv", content=build_csv(computed, params, naming)),
             ReportFile(format="xlsx", filename=f"{stem}.xlsx", content=build_xlsx(computed, params, naming))]
    return results, files


def compute_run(run_id: int) -> int:
    """RQ job: compute run `run_id` and store its results; returns the run id.

    The facts are first brought up to date (cheap when nothing changed); the run records when.

    A failure marks the run `failed` with a French message a manager can read and re-raises;
    a database outage (OperationalError) is left to RQ's retry while retries remain.
    """
    run = db.session.get(ReportRun, run_id)
    if run is None:
        logger.warning("Run %s introuvable : rien à calculer", run_id)
        return run_id
    if run.status == "finished":
        return run_id
    start_run(run)
    try:
        facts_at = bring_facts_up_to_date()  # every ticket committed before the run started is counted
        results, files = compute_results(run, on_progress=_progress_writer(run_id))
        run = db.session.get(ReportRun, run_id)
        run.results.clear()
        db.session.execute(db.delete(ReportFile).where(ReportFile.run_id == run_id))
        run.results.extend(results)
        for f in files:
            f.run_id = run_id
            db.session.add(f)
        run.status, run.progress, run.finished_at, run.error = "finished", 100, utcnow(), None
        run.facts_at = facts_at
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        _record_failure(run_id, TRANSIENT_MESSAGE, transient=True)
        raise
    except Exception as exc:
        db.session.rollback()
        message = str(exc) if isinstance(exc, ReportError) else INTERNAL_MESSAGE.format(title=run.name, run_id=run_id)
        logger.exception("Run %s en échec", run_id)
        _record_failure(run_id, message, transient=False)
        raise
    return run_id


def _record_failure(run_id: int, message: str, transient: bool) -> None:
    """Mark the run failed (or queued for a retry when the cause is transient and retries remain)."""
    job = get_current_job()
    retrying = transient and job is not None and bool(job.retries_left)
    if not transient and job is not None:
        job.retries_left = None  # a bug or a bad parameter: retrying would fail the same way
    try:
        values = {"status": "queued" if retrying else "failed", "error": message,
                  "finished_at": None if retrying else utcnow()}
        db.session.execute(db.update(ReportRun).where(ReportRun.id == run_id).values(**values))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        logger.warning("Run %s : état d'échec non enregistré (base indisponible) ; le ramasseur s'en chargera", run_id)
