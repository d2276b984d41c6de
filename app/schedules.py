"""Periodic jobs, declared as data. The worker's scheduler runs them.

Each domain appends its own entries; a job is named by its dotted path so the
scheduler can enqueue it without importing it at start-up.
"""

from dataclasses import dataclass

from app.config import QUEUE_DEFAULT


@dataclass(frozen=True)
class PeriodicJob:
    """Run `func` (dotted path) on `queue` every `interval` seconds, or on a `cron` expression (Europe/Paris)."""

    name: str
    func: str
    queue: str = QUEUE_DEFAULT
    interval: int | None = None
    cron: str | None = None
    timeout: int = 600


PERIODIC_JOBS: list[PeriodicJob] = []
