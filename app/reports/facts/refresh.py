"""Keep the facts current: consume the days dirtied by ticket writes and rebuild them.

The database triggers on `tickets` record every dirtied Paris day in the writing transaction
(`app.reports.facts.dirty`). A refresh takes those rows and rebuilds each day with the 7 days
before it (their "came back within 7 days" figures depend on it), in its own transaction: if it
fails, the rows come back with the rollback. Cheap when nothing is dirty (one DELETE of no row).
Every report run starts with one (`bring_facts_up_to_date`), so a run counts every ticket
committed before it started, with or without a worker.
"""

import logging
from datetime import datetime

from sqlalchemy import text

from app.extensions import db
from app.reports.facts.dirty import stale_ranges, take_dirty_days
from app.reports.facts.models import FactState
from app.reports.facts.rebuild import rebuild_facts
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

STATE_NAME = "tickets"
PG_LOCK_KEY = 72_617_001  # advisory lock: one refresh at a time across workers


def _lock(wait: bool) -> bool:
    """Take the refresh lock for this transaction (PostgreSQL); SQLite serialises writers anyway."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    if wait:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        return True
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY}).scalar())


def refresh_facts(wait: bool = False) -> dict:
    """Rebuild the facts of every day dirtied since the last refresh; flushes, the caller commits.

    With `wait`, waits for a refresh under way elsewhere (then does its own, usually of nothing);
    without, returns at once when another holds the lock. Returns {"days": number of days
    rebuilt, "ranges": [...], "skipped": bool, "as_of": the instant every earlier commit is counted}.
    """
    if not _lock(wait):
        return {"days": 0, "ranges": [], "skipped": True, "as_of": None}
    as_of = utcnow()  # before taking the rows: whatever committed earlier is among them
    ranges = stale_ranges(take_dirty_days())
    for first, last in ranges:
        rebuild_facts(first, last)
    state = db.session.get(FactState, STATE_NAME)
    if state is None:
        state = FactState(name=STATE_NAME)
        db.session.add(state)
    state.refreshed_at = as_of
    db.session.flush()
    days = sum((last - first).days + 1 for first, last in ranges)
    if ranges:
        logger.info("Faits rafraîchis : %s jour(s) sur %s période(s)", days, len(ranges))
    return {"days": days, "ranges": [(f.isoformat(), la.isoformat()) for f, la in ranges], "skipped": False,
            "as_of": as_of}


def bring_facts_up_to_date() -> datetime:
    """Refresh the facts (waiting for a refresh under way) and commit; returns the instant they are up to date at."""
    try:
        result = refresh_facts(wait=True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result["as_of"]


def facts_refreshed_at() -> datetime | None:
    """When the facts were last brought up to date, or None if never."""
    state = db.session.get(FactState, STATE_NAME)
    return state.refreshed_at if state is not None else None


def refresh_facts_job() -> int:
    """RQ job (every ~30 s): refresh the facts and commit; returns the number of days rebuilt."""
    try:
        result = refresh_facts()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result["days"]
