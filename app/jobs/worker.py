"""Run an RQ worker for Relais: app context for every job, no DB connection across fork().

The worker runs the periodic jobs of `app.jobs.schedules.PERIODIC_JOBS` with a scheduler process
(`app.jobs.cron`) that a watchdog thread keeps alive. A Redis outage does not end the worker: RQ's
dequeue retries with a backoff (at most `RelaisWorker.max_connection_wait_time` apart), and when
RQ's loop gives up anyway (a timeout, an error in its maintenance) a new worker takes over after
a backoff. The worker ends only when asked (SIGTERM, SIGINT, burst mode), or with status 1 when
its scheduler keeps dying: its supervisor restarts it. PostgreSQL outages touch only the jobs
(the work horses' connections are checked before use): the periodic jobs run again at their next turn.
"""

import logging
import os
import signal
import time

from redis.exceptions import RedisError
from rq import Worker

from app.cards.logmasking import mask_log_text
from app.config import QUEUES
from app.extensions import db
from app.jobs.cron import CronWatchdog, periodic_functions, start_cron_process
from app.jobs.queue import AppJob, get_redis, set_worker_app
from app.jobs.schedules import PERIODIC_JOBS

logger = logging.getLogger(__name__)

MAX_BACKOFF = 10  # seconds between two attempts to run a new worker after a fault


class RelaisWorker(Worker):
    """An RQ worker that remembers whether it was asked to stop (or ended on a fault), and masks the
    traceback of a failed job before RQ stores it."""

    max_connection_wait_time = 10.0  # RQ's dequeue retries Redis at most this far apart (60 s by default)
    stop_asked = False

    def request_stop(self, signum, frame):
        self.stop_asked = True
        return super().request_stop(signum, frame)

    def handle_job_failure(self, job, queue, started_job_registry=None, exc_string="", execution=None):
        """RQ keeps a failed job's traceback in Redis: masked as the logs are (no card number, no token)."""
        return super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                          exc_string=mask_log_text(exc_string or ""), execution=execution)


def _dispose_pool_after_fork(app) -> None:
    """The work horse is a fork: it must open its own connections, never reuse the parent's."""

    def after_in_child():
        with app.app_context():
            db.engine.dispose(close=False)

    os.register_at_fork(after_in_child=after_in_child)


def build_worker(app, queues=QUEUES, worker_class=RelaisWorker, name: str | None = None):
    """A worker on `queues` whose jobs run in `app`'s context."""
    set_worker_app(app)
    connection = get_redis(app)
    return worker_class(list(queues), connection=connection, job_class=AppJob, name=name)


class _Stop(Exception):
    """A signal arrived between two workers."""


def _raise_stop(signum, frame):
    raise _Stop()


def _work_until_stopped(app, queues, burst: bool, watchdog: CronWatchdog | None) -> None:
    backoff = 1
    while True:
        worker, started = None, time.monotonic()
        try:
            worker = build_worker(app, queues)  # RQ names its connection in Redis: it may fail too
            worker.work(burst=burst, with_scheduler=True)
        except (RedisError, OSError) as exc:
            logger.warning("Worker arrêté par une panne de Redis : %s", exc)
        except _Stop:  # a signal between two workers, before RQ installed its own handlers
            return
        if burst or (worker is not None and worker.stop_asked) or (watchdog is not None and watchdog.gave_up):
            return
        if time.monotonic() - started > 60:
            backoff = 1
        logger.warning("Le worker a quitté sa boucle sans qu'on le lui demande : reprise dans %s s", backoff)
        signal.signal(signal.SIGTERM, _raise_stop)
        signal.signal(signal.SIGINT, _raise_stop)
        try:
            time.sleep(backoff)
        except _Stop:
            return
        backoff = min(backoff * 2, MAX_BACKOFF)


def run_worker(app, burst: bool = False, queues=QUEUES, periodic: bool = True) -> None:
    """Preload pandas, start the periodic jobs, then work the queues (with RQ's scheduler for retries).

    Raises SystemExit(1) when the scheduler kept dying, so the supervisor restarts the worker.
    """
    import pandas  # noqa: F401 - imported once in the parent, shared by every forked work horse

    watchdog = None
    if periodic and not burst:
        periodic_functions(PERIODIC_JOBS)  # fail loudly here, before any fork, when a job does not import
        redis_url = app.config["REDIS_URL"]
        watchdog = CronWatchdog(lambda: start_cron_process(redis_url),
                                give_up=lambda: os.kill(os.getpid(), signal.SIGTERM))
        watchdog.start()
    with app.app_context():
        db.engine.dispose()
    _dispose_pool_after_fork(app)
    logger.info("Worker Relais à l'écoute de %s sur %s", ", ".join(queues), app.config["REDIS_URL"])
    try:
        _work_until_stopped(app, queues, burst, watchdog)
    finally:
        if watchdog is not None:
            watchdog.stop()
    if watchdog is not None and watchdog.gave_up:
        raise SystemExit(1)
