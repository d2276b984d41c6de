"""The periodic jobs' scheduler: RQ's `CronScheduler` in a spawned process that survives Redis outages.

The scheduler runs in a child process *spawned* (not forked) by the worker before it opens any
database connection: the child only enqueues, it never touches the database. Several workers may
run: only the one holding a Redis lock enqueues, the others keep time without enqueueing.

Faults: a Redis error in the scheduler's loop restarts the loop (same scheduler, same name, so it
keeps the lead and its jobs' timings) after a backoff of 1, 2, 4, ... up to 10 s; the worker's
`CronWatchdog` restarts a scheduler process that died anyway, and stops the worker with a failure
status after too many deaths, so its supervisor restarts the whole: never a live worker with a dead
scheduler. Every turn of the loop sends a heartbeat (RQ's registry of schedulers) that `/health` reads.
"""

import importlib
import logging
import multiprocessing
import os
import threading
import time
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import RedisError
from rq import cron_scheduler_registry
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app.cards.logmasking import install_record_masking
from app.jobs.queue import get_redis
from app.jobs.schedules import PERIODIC_JOBS
from app.timeutil import configure_console_logging, utcnow

logger = logging.getLogger(__name__)

LEADER_KEY = "relais:cron:leader"
LEADER_TTL = 30  # refreshed every turn (at most 5 s apart); a dead leader is replaced within 30 s
PERIODIC_RESULT_TTL = 120
MAX_BACKOFF = 10  # seconds between two attempts to reach Redis again
WATCH_EVERY = 2  # seconds between two checks of the scheduler process by the worker
MAX_RESTARTS = 5  # scheduler deaths within RESTART_WINDOW before the worker gives up
RESTART_WINDOW = 600


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
        if self.parent_gone():
            raise StopRequested()
        if self.is_leader():
            return super().enqueue_jobs()
        moment = utcnow()
        for job in self._cron_jobs:  # another worker enqueues: keep time without enqueueing
            if job.should_run():
                job.set_enqueue_time(moment)
        return []

    def parent_gone(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def calculate_sleep_interval(self) -> float:
        return min(super().calculate_sleep_interval(), 5)

    def register_death(self, pipeline=None) -> None:
        """Leave the lead and the registry; with Redis down there is nothing to leave (and no crash)."""
        try:
            current = self.connection.get(LEADER_KEY)
            if current is not None and current.decode() == self.name:
                self.connection.delete(LEADER_KEY)
            super().register_death(pipeline)
        except RedisError as exc:
            logger.warning("Planificateur %s : départ non enregistré, Redis ne répond pas (%s)", self.name, exc)


def last_scheduler_heartbeat(connection) -> datetime | None:
    """The latest heartbeat of any cron scheduler (RQ's registry of schedulers), or None."""
    newest = connection.zrevrange(cron_scheduler_registry.get_registry_key(), 0, 0, withscores=True)
    return datetime.fromtimestamp(newest[0][1], tz=UTC) if newest else None


def scheduler_heartbeat(app) -> tuple[datetime | None, bool]:
    """(the scheduler's last heartbeat or None, whether Redis answered): for `/health` and the dashboards."""
    try:
        return last_scheduler_heartbeat(get_redis(app)), True
    except (RedisError, OSError):
        return None, False


def import_function(path: str):
    """The function at a dotted path ("package.module.function")."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def periodic_functions(periodic_jobs) -> dict[str, object]:
    """{job name: its function}; RuntimeError naming every job whose dotted path does not import (a task
    renamed without its schedule): the worker refuses to start rather than skip a job silently."""
    functions, missing = {}, []
    for job in periodic_jobs:
        try:
            functions[job.name] = import_function(job.func)
        except (ImportError, AttributeError) as exc:
            missing.append(f"{job.name} ({job.func} : {exc})")
    if missing:
        raise RuntimeError("Tâches périodiques introuvables : " + " ; ".join(missing))
    return functions


def build_cron(connection, periodic_jobs, parent_pid: int | None = None) -> RelaisCronScheduler:
    """A cron scheduler with every periodic job (RuntimeError when one does not import)."""
    cron = RelaisCronScheduler(connection=connection, parent_pid=parent_pid)
    functions = periodic_functions(periodic_jobs)
    for job in periodic_jobs:
        func = functions[job.name]
        cron.register(func, job.queue, interval=job.interval, cron=job.cron, job_timeout=job.timeout,
                      result_ttl=PERIODIC_RESULT_TTL, name=job.name)
    return cron


def keep_cron_running(cron: RelaisCronScheduler, sleep=time.sleep) -> None:
    """Run `cron` until it is asked to stop or its worker is gone, through any Redis outage."""
    backoff = 1
    while not cron.parent_gone():
        started = time.monotonic()
        try:
            cron.start()
            return  # stop requested (signal) or worker gone
        except (RedisError, OSError) as exc:
            if time.monotonic() - started > 60:
                backoff = 1  # it had been running well: this is a new outage
            logger.warning("Planificateur : Redis ne répond pas (%s) ; nouvel essai dans %s s", exc, backoff)
        try:
            sleep(backoff)
        except StopRequested:
            return
        backoff = min(backoff * 2, MAX_BACKOFF)


def run_cron(redis_url: str, parent_pid: int) -> None:
    """Entry point of the spawned cron process: cron expressions are read in Europe/Paris."""
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    configure_console_logging()
    install_record_masking()  # a fresh interpreter: its records are masked as the worker's are
    connection = Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=10)
    keep_cron_running(build_cron(connection, PERIODIC_JOBS, parent_pid=parent_pid))


def start_cron_process(redis_url: str) -> multiprocessing.Process:
    """Spawn the cron process (a fresh interpreter: no inherited connection or lock)."""
    process = multiprocessing.get_context("spawn").Process(
        target=run_cron, args=(redis_url, os.getpid()), name="relais-cron", daemon=True)
    process.start()
    return process


class CronWatchdog(threading.Thread):
    """In the worker: restart the scheduler process when it dies; call `give_up` after too many deaths."""

    def __init__(self, start_process, give_up, every: float = WATCH_EVERY):
        super().__init__(name="relais-cron-watchdog", daemon=True)
        self.start_process, self.give_up, self.every = start_process, give_up, every
        self.process = start_process()
        self.deaths: list[float] = []
        self.gave_up = False
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self.every):
            if self.process.is_alive():
                continue
            now = time.monotonic()
            self.deaths = [t for t in self.deaths if now - t < RESTART_WINDOW] + [now]
            if len(self.deaths) > MAX_RESTARTS:
                logger.critical("Planificateur mort %s fois en %s s : arrêt du worker en échec",
                                len(self.deaths), RESTART_WINDOW)
                self.gave_up = True
                self.give_up()
                return
            logger.error("Planificateur mort (code %s) : redémarrage", self.process.exitcode)
            self.process = self.start_process()

    def stop(self) -> None:
        """Stop watching and end the scheduler process."""
        self._stopping.set()
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
