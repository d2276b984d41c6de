"""Periodic jobs, declared as data. The worker's scheduler runs them.

Each domain appends its own entries; a job is named by its dotted path so the
scheduler can enqueue it without importing it at start-up.
"""

from dataclasses import dataclass

from app.config import QUEUE_DEFAULT, QUEUE_FACTS, QUEUE_REPORTS


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

# Security domain: purge of the audit trail and retention of personal data, nightly.
PERIODIC_JOBS += [
    PeriodicJob(name="audit-purge", func="app.audit.tasks.purge_audit_entries", cron="15 3 * * *"),
    PeriodicJob(name="privacy-retention", func="app.privacy.tasks.apply_retention_job", cron="45 3 * * *",
                timeout=3600),
]

# Reports domain: daily facts kept current, runs of dead workers reaped, the Monday programme dashboard.
PERIODIC_JOBS += [
    PeriodicJob(name="facts-refresh", func="app.reports.facts.refresh.refresh_facts_job", queue=QUEUE_FACTS,
                interval=30, timeout=1800),
    PeriodicJob(name="report-reaper", func="app.reports.reaper.reap_stuck_runs_job", interval=60, timeout=120),
    PeriodicJob(name="programme-dashboard", func="app.reports.services.request_programme_dashboard",
                queue=QUEUE_REPORTS, cron="0 6 * * 1", timeout=300),
]

# Tickets domain: imports whose worker died end failed (nothing was saved), lost queued ones run again; the
# ticket lists' XLSX files deleted once past their time (TICKET_EXPORT_KEEP_HOURS), exports whose worker died
# marked failed.
PERIODIC_JOBS += [
    PeriodicJob(name="import-reaper", func="app.tickets.import_reaper.reap_stuck_imports_job", interval=60,
                timeout=120),
    PeriodicJob(name="ticket-exports-purge", func="app.tickets.export_tasks.purge_ticket_exports_job",
                interval=60, timeout=300),
]
