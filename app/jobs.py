"""The job queue: enqueue on RQ at REDIS_URL, or run in-process when no Redis answers.

Every job runs inside an application context (`AppJob`). Jobs take ids and plain
values and return ids; results live in the database.
"""

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job

from app.config import QUEUE_DEFAULT

logger = logging.getLogger(__name__)

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
