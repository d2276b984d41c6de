"""The reaper: runs left `running` by a dead worker end `failed`; `queued` runs whose job vanished are re-enqueued.

A worker killed in the middle of a job (SIGKILL, out of memory, machine lost) cannot mark its run;
its job stays "started" in Redis until RQ's heartbeat expires. The reaper looks at the worker that
took the job (`app.jobs.queue.job_state`): gone from Redis, silent for too long, or (same host) a process that
no longer exists. The ticket imports have the same reaper (`app/tickets/import_reaper.py`).
"""

import logging

from app.extensions import db
from app.jobs.queue import GRACE, job_state, live_redis
from app.reports.models import ReportRun
from app.reports.services import enqueue_run
from app.timeutil import as_utc, utcnow

logger = logging.getLogger(__name__)

INTERRUPTED = ("Le calcul a été interrompu : le service de calcul s'est arrêté pendant le traitement. "
               "Aucun résultat partiel n'a été enregistré ; relancez la demande.")
LOST = "Le calcul n'a pas abouti (tâche perdue par le service de calcul). Relancez la demande."


def reap_stuck_runs() -> dict:
    """Fail the running runs whose worker died; list queued runs whose job is gone (to re-enqueue). Caller commits."""
    connection = live_redis()
    if connection is None:
        return {"failed": 0, "requeued": 0}  # without Redis, runs are computed in-process: nothing to reap
    runs = db.session.execute(db.select(ReportRun).where(ReportRun.status.in_(("queued", "running")))).scalars()
    failed, requeue = 0, []
    for run in runs:
        state = job_state(connection, run.job_id)
        if run.status == "running" and state in ("dead", "failed", "missing", "done"):
            run.status, run.error, run.finished_at = "failed", INTERRUPTED if state == "dead" else LOST, utcnow()
            failed += 1
        elif run.status == "queued" and state in ("missing", "done", "failed") and \
                utcnow() - as_utc(run.queued_at) > GRACE:
            requeue.append(run)
    db.session.flush()
    return {"failed": failed, "requeued": len(requeue), "requeue": requeue}


def reap_stuck_runs_job() -> int:
    """RQ job (every minute): reap, commit, then re-enqueue; returns how many runs were touched."""
    result = reap_stuck_runs()
    db.session.commit()
    for run in result.get("requeue", []):
        logger.info("Run %s remis en file (tâche introuvable)", run.id)
        enqueue_run(run)
    if result["failed"]:
        logger.warning("%s run(s) interrompu(s) marqué(s) en échec", result["failed"])
    return result["failed"] + result["requeued"]
