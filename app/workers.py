"""Run an RQ worker for Relais: app context for every job, no DB connection across fork()."""

import logging
import os

from rq import Worker

from app.config import QUEUES
from app.extensions import db
from app.jobs import AppJob, get_redis, set_worker_app

logger = logging.getLogger(__name__)


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


def run_worker(app, burst: bool = False, queues=QUEUES) -> None:
    """Preload pandas, then work the queues (with RQ's scheduler for delayed jobs)."""
    import pandas  # noqa: F401 - imported once in the parent, shared by every forked work horse

    with app.app_context():
        db.engine.dispose()
    _dispose_pool_after_fork(app)
    worker = build_worker(app, queues)
    logger.info("Worker Relais à l'écoute de %s sur %s", ", ".join(queues), app.config["REDIS_URL"])
    worker.work(burst=burst, with_scheduler=True)
