"""What `/health` reports: the database, Redis, the age of the facts and of the scheduler's heartbeat.

Monitoring alarms on the 503 with its French reasons: a dashboard whose facts are older than
`HEALTH_MAX_AGE` seconds, or periodic jobs whose scheduler has been silent as long, is stale.
"""

import time

from sqlalchemy import text

from app.extensions import db
from app.jobs.cron import scheduler_heartbeat
from app.reports.freshness import age_label, age_seconds, facts_freshness


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min"


def database_answers() -> bool:
    """True when the database answers a `SELECT 1`."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        return False


def health_report(app) -> tuple[dict, int]:
    """The body and status of `/health`: 503 with French `reasons` when anything is down or stale."""
    limit = app.config["HEALTH_MAX_AGE"]
    reasons = []
    database = database_answers()
    if not database:
        reasons.append("La base de données ne répond pas.")
    heartbeat, redis_up = scheduler_heartbeat(app)
    body = {"database": "ok" if database else "error", "redis": "ok" if redis_up else "unavailable"}
    if database:
        facts = facts_freshness()
        body["facts"] = {"refreshed_at": facts["refreshed_at"].isoformat() if facts["refreshed_at"] else None,
                         "age_seconds": facts["age_seconds"], "label": facts["label"]}
        if facts["age_seconds"] is None:
            reasons.append("Les faits des tableaux de bord n'ont jamais été mis à jour.")
        elif facts["age_seconds"] > limit:
            reasons.append(f"Faits des tableaux de bord périmés : {facts['label']} ({age_label(facts['age_seconds'])}, "
                           f"limite {_minutes(limit)}).")
    heartbeat_age = age_seconds(heartbeat)
    body["scheduler"] = {"heartbeat_at": heartbeat.isoformat() if heartbeat else None, "age_seconds": heartbeat_age}
    if not redis_up:
        reasons.append("Redis ne répond pas : les tâches périodiques ne tournent pas.")
    elif heartbeat_age is None:
        reasons.append("Aucun planificateur des tâches périodiques en marche.")
    elif heartbeat_age > limit:
        reasons.append(f"Planificateur des tâches périodiques silencieux depuis {age_label(heartbeat_age)[6:]} "
                       f"(limite {_minutes(limit)}).")
    starting = _starting_for(app)
    if starting is not None and database and redis_up and (heartbeat_age is None or body["facts"]["age_seconds"] is None):
        # Just started: the scheduler beats and the facts are computed within seconds. Said, not alarmed on.
        reasons = [f"Relais en démarrage depuis {starting:.0f} s (délai de grâce de "
                   f"{app.config['HEALTH_STARTUP_GRACE']} s) : le planificateur et les faits des tableaux de bord "
                   "se mettent en route."]
        body["status"] = "démarrage"
    else:
        body["status"] = "error" if reasons else "ok"
    body["reasons"] = reasons
    return body, 503 if reasons else 200


def _starting_for(app) -> float | None:
    """Seconds since this server started while within `HEALTH_STARTUP_GRACE`; None after it."""
    elapsed = time.monotonic() - app.config.get("STARTED_AT", 0.0)
    return elapsed if elapsed < app.config.get("HEALTH_STARTUP_GRACE", 0) else None


