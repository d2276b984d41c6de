"""Run an RQ worker for Relais: app context for every job, no DB connection across fork().

The worker also runs the periodic jobs of `app.schedules.PERIODIC_JOBS` with RQ's
`CronScheduler`, in a child process *spawned* (not forked) before the worker opens any
database connection: the child only enqueues, it never touches the database. Several workers
may run: only the one holding a Redis lock enqueues, the others keep time without enqueueing.
"""

import importlib
import logging
import multiprocessing
import os
import time

from rq import Worker
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app.config import QUEUES
from app.extensions import db
from app.jobs import AppJob, get_redis, set_worker_app
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

LEADER_KEY = "relais:cron:leader"
LEADER_TTL = 90
PERIODIC_RESULT_TTL = 120


def _dispose_pool_after_fork(app) -> None:
    """The work horse is a fork: it must open its own connections, never reuse the parent's."""

    def after_in_child():
        with app.app_context():
            db.engine.dispose(close=False)

    os.register_at_fork(after_in_child=after_in_child)


def build_worker(app, queues=QUEUES, worker_class=Worker, name: str | None = None):
    """A worker on `queues` whose jobs run in `app`'s context."""
    set_worker_app(app)
    connection = get_redis(app)
    return worker_class(list(queues), connection=connection, job_class=AppJob, name=name)


class RelaisCronScheduler(CronScheduler):
    """RQ's cron scheduler, enqueueing only while it leads, and stopping when its worker is gone."""

    def __init__(self, *args, parent_pid: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_pid = parent_pid

    def is_leader(self) -> bool:
        """Hold (or take) the leader lock for LEADER_TTL seconds."""
        if self.connection.set(LEADER_KEY, self.name, nx=True, ex=LEADER_TTL):
            return True
        current = self.connection.get(LEADER_KEY)
        if current is not None and current.decode() == self.name:
            self.connection.expire(LEADER_KEY, LEADER_TTL)
            return True
        return False

    def enqueue_jobs(self):
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            raise StopRequested()
        if self.is_leader():
            return super().enqueue_jobs()
        moment = utcnow()
        for job in self._cron_jobs:  # another worker enqueues: keep time without enqueueing
            if job.should_run():
                job.set_enqueue_time(moment)
        return []

    def calculate_sleep_interval(self) -> float:
        return min(super().calculate_sleep_interval(), 5)

    def register_death(self, pipeline=None) -> None:
        current = self.connection.get(LEADER_KEY)
        if current is not None and current.decode() == self.name:
            self.connection.delete(LEADER_KEY)
        super().register_death(pipeline)


def import_function(path: str):
    """The function at a dotted path ("package.module.function")."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def build_cron(connection, periodic_jobs, parent_pid: int | None = None) -> RelaisCronScheduler:
    """A cron scheduler with every periodic job whose function imports (the others are logged and skipped)."""
    cron = RelaisCronScheduler(connection=connection, parent_pid=parent_pid)
    for job in periodic_jobs:
        try:
            func = import_function(job.func)
        except (ImportError, AttributeError) as exc:
            logger.error("Tâche périodique %s ignorée : %s introuvable (%s)", job.name, job.func, exc)
            continue
        cron.register(func, job.queue, interval=job.interval, cron=job.cron, job_timeout=job.timeout,
                      result_ttl=PERIODIC_RESULT_TTL, name=job.name)
    return cron


def run_cron(redis_url: str, parent_pid: int) -> None:
    """Entry point of the spawned cron process: cron expressions are read in Europe/Paris."""
    from redis import Redis

    from app.schedules import PERIODIC_JOBS

    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection = Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30)
    build_cron(connection, PERIODIC_JOBS, parent_pid=parent_pid).start()


def start_cron_process(app) -> multiprocessing.Process:
    """Spawn the cron process (a fresh interpreter: no inherited connection or lock)."""
    process = multiprocessing.get_context("spawn").Process(
        target=run_cron, args=(app.config["REDIS_URL"], os.getpid()), name="relais-cron", daemon=True)
    process.start()
    return process


def run_worker(app, burst: bool = False, queues=QUEUES, periodic: bool = True) -> None:
    """Preload pandas, start the periodic jobs, then work the queues (with RQ's scheduler for retries)."""
    import pandas  # noqa: F401 - imported once in the parent, shared by every forked work horse

    cron = start_cron_process(app) if periodic and not burst else None
    with app.app_context():
        db.engine.dispose()
    _dispose_pool_after_fork(app)
    worker = build_worker(app, queues)
    logger.info("Worker Relais à l'écoute de %s sur %s", ", ".join(queues), app.config["REDIS_URL"])
    try:
        worker.work(burst=burst, with_scheduler=True)
    finally:
        if cron is not None and cron.is_alive():
            cron.terminate()
            cron.join(10)
