"""Keep the facts current: follow `Ticket.updated_at` past a watermark and rebuild the days touched.

Every write path of the tickets domain sets `updated_at`. The refresh looks again at a short
overlap before the watermark (a transaction may commit a little after the time it stamped), and
skips tickets whose `updated_at` it has already counted (`fact_ticket_days.seen_updated_at`).
A changed ticket dirties its new day and the day it was counted on before (when `opened_at`
moved), and the 7 days before each (their "came back within 7 days" figures depend on it).
"""

import logging
from datetime import date, timedelta

from sqlalchemy import func, or_, select, text

from app.extensions import db
from app.reports.facts.models import FactState, FactTicketDay
from app.reports.facts.rebuild import RETURN_WINDOW_DAYS, rebuild_facts
from app.tickets.models import Ticket
from app.timeutil import paris_day, utcnow

logger = logging.getLogger(__name__)

STATE_NAME = "tickets"
OVERLAP = timedelta(minutes=10)
PG_LOCK_KEY = 72_617_001  # advisory lock: one refresh at a time across workers


def _day_ranges(days: set[date]) -> list[tuple[date, date]]:
    """Contiguous ranges covering each dirty day and the return window before it."""
    covered = sorted({d - timedelta(days=k) for d in days for k in range(RETURN_WINDOW_DAYS + 1)})
    ranges: list[tuple[date, date]] = []
    for day in covered:
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _changed_days(since) -> set[date]:
    """Paris days (new and former) of tickets changed since `since` and not yet counted as they are."""
    seen = FactTicketDay
    query = (select(Ticket.opened_at, seen.day)
             .outerjoin(seen, seen.ticket_id == Ticket.id)
             .where(or_(seen.ticket_id.is_(None), seen.seen_updated_at != Ticket.updated_at)))
    if since is not None:
        query = query.where(Ticket.updated_at > since)
    days: set[date] = set()
    for opened_at, former_day in db.session.execute(query.execution_options(yield_per=10_000)):
        days.add(paris_day(opened_at))
        if former_day is not None:
            days.add(former_day)
    return days


def _lock() -> bool:
    """Take the refresh lock for this transaction (PostgreSQL); SQLite serialises writers anyway."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY}).scalar())


def refresh_facts() -> dict:
    """Rebuild the facts of every day touched since the last refresh; flushes, the caller commits.

    Returns {"days": number of days rebuilt, "ranges": [...], "skipped": bool}.
    """
    if not _lock():
        return {"days": 0, "ranges": [], "skipped": True}
    state = db.session.get(FactState, STATE_NAME)
    if state is None:
        state = FactState(name=STATE_NAME)
        db.session.add(state)
    # Read the high-water mark first: a change stamped later is picked up by the next refresh.
    high = db.session.execute(select(func.max(Ticket.updated_at))).scalar()
    since = state.watermark - OVERLAP if state.watermark is not None else None
    ranges = _day_ranges(_changed_days(since))
    for first, last in ranges:
        rebuild_facts(first, last)
    if high is not None and (state.watermark is None or high > state.watermark):
        state.watermark = high
    state.refreshed_at = utcnow()
    db.session.flush()
    days = sum((last - first).days + 1 for first, last in ranges)
    if ranges:
        logger.info("Faits rafraîchis : %s jour(s) sur %s période(s)", days, len(ranges))
    return {"days": days, "ranges": [(f.isoformat(), la.isoformat()) for f, la in ranges], "skipped": False}


def refresh_facts_job() -> int:
    """RQ job (every ~30 s): refresh the facts and commit; returns the number of days rebuilt."""
    try:
        result = refresh_facts()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result["days"]
