"""A job for the worker-kill test: it starts a run like the real job, then works slowly."""

import time

from app.extensions import db
from app.reports.models import ReportRun
from app.reports.tasks import compute_run, start_run


def slow_run(run_id: int, seconds: float = 60) -> int:
    """Mark the run running, sleep (the test kills the worker meanwhile), then compute it."""
    start_run(db.session.get(ReportRun, run_id))
    time.sleep(seconds)
    return compute_run(run_id)
