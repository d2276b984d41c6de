"""The import reaper: an import whose worker died ends `failed`, so nothing waits for it forever.

An import writes its tickets, residents, audit entry and result in ONE transaction at its end
(`tasks.perform_import`); before that it commits only its progress. A worker killed in the middle
(SIGKILL, out of memory, machine lost) therefore saved no ticket, but left its run `running`: the page
would show a progress bar that never moves, and the same file would be refused as "en cours d'import".
Every minute (`app/jobs/schedules.py`) the reaper asks Redis about each unfinished run's job
(`app.jobs.queue.job_state`): a running run whose worker is gone is marked failed, with a message saying that
nothing was saved and that the same file may be imported again; a queued run whose job vanished (Redis
restarted: it keeps nothing on disk) is enqueued again, since its file is still kept.
"""

import logging

from app.extensions import db
from app.jobs.queue import GRACE, job_state, live_redis
from app.tickets.import_models import ImportRun
from app.tickets.import_runs import enqueue_import, import_job_id
from app.timeutil import as_utc, utcnow

logger = logging.getLogger(__name__)

INTERRUPTED = ("L'import a été interrompu : le service de traitement s'est arrêté pendant la lecture du fichier. "
               "Aucun ticket n'a été enregistré ; vous pouvez importer à nouveau le même fichier.")


def reap_stuck_imports() -> dict:
    """Fail the running imports whose worker died; list queued ones whose job is gone. Caller commits."""
    connection = live_redis()
    if connection is None:
        return {"failed": 0, "requeue": []}  # without Redis, imports run in the request: nothing to reap
    runs = db.session.execute(db.select(ImportRun).where(ImportRun.status.in_(("queued", "running")))).scalars()
    failed, requeue = 0, []
    for run in runs:
        state = job_state(connection, import_job_id(run))
        if run.status == "running" and state in ("dead", "failed", "missing", "done"):
            run.status, run.stage, run.error, run.finished_at = "failed", None, INTERRUPTED, utcnow()
            run.data = None  # the file is not kept once its import has ended, whichever way
            failed += 1
        elif run.status == "queued" and state in ("missing", "done", "failed") and \
                utcnow() - as_utc(run.queued_at) > GRACE:
            requeue.append(run)
    db.session.flush()
    return {"failed": failed, "requeue": requeue}


def reap_stuck_imports_job() -> int:
    """RQ job (every minute): reap, commit, then re-enqueue; returns how many runs were touched."""
    result = reap_stuck_imports()
    db.session.commit()
    for run in result["requeue"]:
        logger.info("Import %s remis en file (tâche introuvable)", run.id)
        enqueue_import(run)
    if result["failed"]:
        logger.warning("%s import(s) interrompu(s) marqué(s) en échec", result["failed"])
    return result["failed"] + len(result["requeue"])
