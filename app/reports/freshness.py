"""How fresh the facts are, in the words the pages, the CLI and `/health` use (Paris time)."""

from datetime import datetime

from app.jobs.cron import scheduler_heartbeat
from app.reports.facts.refresh import facts_refreshed_at
from app.timeutil import to_paris, utcnow


def facts_label(at: datetime | None) -> str:
    """« données à jour au JJ/MM/AAAA HH:MM » (Paris time), or that they never were."""
    if at is None:
        return "données jamais mises à jour"
    return f"données à jour au {to_paris(at).strftime('%d/%m/%Y %H:%M')}"


def age_label(seconds: float | None) -> str:
    """« il y a 45 s », « il y a 3 min », « il y a 2 h 05 »; « jamais » without a date."""
    if seconds is None:
        return "jamais"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"il y a {seconds} s"
    if seconds < 3600:
        return f"il y a {seconds // 60} min"
    return f"il y a {seconds // 3600} h {seconds % 3600 // 60:02d}"


def age_seconds(at: datetime | None, now: datetime | None = None) -> float | None:
    """Seconds elapsed since `at` (None stays None)."""
    if at is None:
        return None
    return ((now or utcnow()) - at).total_seconds()


def facts_freshness() -> dict:
    """When the facts were last brought up to date, their age in seconds, and the label to show."""
    at = facts_refreshed_at()
    return {"refreshed_at": at, "age_seconds": age_seconds(at), "label": facts_label(at)}


def freshness_summary(app) -> dict:
    """What the dashboard page shows: the facts' date and age, the scheduler's last heartbeat, stale or not."""
    limit = app.config["HEALTH_MAX_AGE"]
    facts = facts_freshness()
    heartbeat, _redis_up = scheduler_heartbeat(app)
    heartbeat_age = age_seconds(heartbeat)
    return {"facts_label": facts["label"], "facts_age": age_label(facts["age_seconds"]),
            "scheduler_age": age_label(heartbeat_age),
            "stale": any(age is None or age > limit for age in (facts["age_seconds"], heartbeat_age))}
