"""The reaper: runs left `running` by a dead worker end `failed`; `queued` runs whose job vanished are re-enqueued.

A worker killed in the middle of a job (SIGKILL, out of memory, machine lost) cannot mark its run;
its job stays "started" in Redis until RQ's heartbeat expires. The reaper looks at the worker that
took the job: gone from Redis, silent for too long, or (same host) a process that no longer exists.
"""

import logging
import os
import socket
from datetime import timedelta

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.worker import Worker

from app.extensions import db
from app.jobs import get_redis
from app.reports.models import ReportRun
from app.reports.services import enqueue_run
from app.timeutil import as_utc, utcnow

logger = logging.getLogger(__name__)

INTERRUPTED = ("Le calcul a été interrompu : le service de calcul s'est arrêté pendant le traitement. "
               "Aucun résultat partiel n'a été enregistré ; relancez la demande.")
LOST = "Le calcul n'a pas abouti (tâche perdue par le service de calcul). Relancez la demande."
SILENT_AFTER = timedelta(minutes=3)
GRACE = timedelta(minutes=1)  # a run just committed may not be enqueued yet


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_alive(connection, name: str | None) -> bool:
    """True while the worker that took a job still runs (as far as Redis and this host can tell)."""
    if not name:
        return True
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
    if worker is None:
        return False
    if worker.hostname == socket.gethostname() and worker.pid and not _process_alive(worker.pid):
        return False
    heartbeat = worker.last_heartbeat
    return heartbeat is None or utcnow() - as_utc(heartbeat) < SILENT_AFTER


def job_state(connection, job_id: str | None) -> str:
    """"waiting", "working", "dead" (its worker died), "failed", "done" or "missing"."""
    if not job_id:
        return "missing"
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return "missing"
    status = job.get_status(refresh=False)
    if status in ("queued", "deferred", "scheduled"):
        return "waiting"
    if status == "started":
        return "working" if worker_alive(connection, job.worker_name) else "dead"
    if status == "finished":
        return "done"
    return "failed"


def reap_stuck_runs() -> dict:
    """Fail the running runs whose worker died; list queued runs whose job is gone (to re-enqueue). Caller commits."""
    try:
        connection = get_redis()
        connection.ping()
    except (RedisError, OSError):
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
