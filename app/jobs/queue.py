"""The job queue: enqueue on RQ at REDIS_URL, or run in-process when no Redis answers.

Every job runs inside an application context (`AppJob`). Jobs take ids and plain
values and return ids; results live in the database.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.worker import Worker

from app.config import QUEUE_DEFAULT
from app.timeutil import as_utc, utcnow

logger = logging.getLogger(__name__)

SILENT_AFTER = timedelta(minutes=3)  # a worker without a heartbeat for that long is taken for dead
GRACE = timedelta(minutes=1)  # a row just committed may not be enqueued yet: a reaper leaves it alone
_worker_app = None  # set by the worker, so jobs find their application
_warned_in_process = False


class AppJob(Job):
    """An RQ job that runs inside an application context."""

    def perform(self):
        app = _worker_app
        if app is None:
            from app import create_app

            app = create_app()
        with app.app_context():
            return super().perform()


def set_worker_app(app) -> None:
    """Tell jobs which application to run in (called by the worker)."""
    global _worker_app
    _worker_app = app


def get_redis(app=None) -> Redis:
    """A Redis client for the configured REDIS_URL (short timeouts: the app must not hang on it)."""
    app = app or current_app
    return Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=5)


def live_redis(app=None) -> Redis | None:
    """A Redis client that has just answered a ping, or None (then jobs run in-process: nothing to reap)."""
    try:
        connection = get_redis(app)
        connection.ping()
    except (RedisError, OSError):
        return None
    return connection


def redis_available(app=None) -> bool:
    """True when Redis answers a ping."""
    try:
        return bool(get_redis(app).ping())
    except (RedisError, OSError):
        return False


def get_queue(name: str = QUEUE_DEFAULT, connection: Redis | None = None) -> Queue:
    """The named queue, with jobs that run in an app context."""
    return Queue(name, connection=connection or get_redis(), job_class=AppJob)


@dataclass
class InProcessJob:
    """What `enqueue` returns when the job ran in the web process."""

    id: str | None
    result: Any = None
    in_process: bool = True

    def get_status(self) -> str:
        return "finished"


def _warn_in_process() -> None:
    global _warned_in_process
    if not _warned_in_process:
        logger.warning("Redis ne répond pas (%s) : les tâches s'exécutent dans le processus web.",
                       current_app.config["REDIS_URL"])
        _warned_in_process = True


def enqueue(func, *args, queue: str = QUEUE_DEFAULT, job_id: str | None = None, **options):
    """Enqueue `func(*args)` on `queue`; run it in-process (in a fresh app context) without Redis.

    `options` are passed to RQ (`job_timeout`, `result_ttl`, `retry`, ...). Returns the RQ job,
    or an `InProcessJob` when it ran here. Exceptions of an in-process job propagate.
    """
    options.setdefault("job_timeout", current_app.config["JOB_TIMEOUT"])
    options.setdefault("result_ttl", 3600)
    if not current_app.config["JOBS_IN_PROCESS"]:
        try:
            q = get_queue(queue)
            if job_id is not None:
                existing = q.fetch_job(job_id)
                if existing is not None and existing.get_status(refresh=True) in ("queued", "started", "deferred",
                                                                                  "scheduled"):
                    return existing
            return q.enqueue(func, *args, job_id=job_id, **options)
        except (RedisError, OSError):
            _warn_in_process()
    app = current_app._get_current_object()
    with app.app_context():
        result = func(*args)
    return InProcessJob(id=job_id, result=result)


def enqueue_row_job(enqueue_row, row, what: str) -> None:
    """Hand a committed row (an import run, an export) to its job. In-process (no Redis), a job that raises
    has already recorded its failure on the row, which its page shows: here it is only logged."""
    try:
        enqueue_row(row)
    except Exception:  # noqa: BLE001 - the row holds the failure; the page answers with it
        logger.exception("Échec en processus : %s n° %s", what, row.id)


# Whether a job's worker still lives: what the reapers (report runs, ticket imports) decide on.

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
