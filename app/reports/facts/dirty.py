"""The Paris days whose facts are stale: rows written by database triggers on every ticket write.

`fact_dirty_days` is filled by the triggers of migration 0013 in the transaction of the write
itself (services, bulk updates, imports, merges, anonymisation, retention, deletions alike), so
no write path can forget it and no application clock decides what was seen. Taking rows deletes
them in the same statement that reads them (`DELETE ... RETURNING`): a change committed later is
never consumed unseen, it waits for the next refresh.
"""

from datetime import date, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.reports.facts.models import FactDirtyDay
from app.timeutil import paris_day, paris_day_bounds

RETURN_WINDOW_DAYS = 7  # a contact counts as a return when another follows within 7 days

dirty = FactDirtyDay.__table__


def take_dirty_days(first: date | None = None, last: date | None = None) -> set[date]:
    """Delete the recorded changes of the Paris days `first`..`last` (all without bounds); their days."""
    statement = delete(dirty)
    if first is not None:
        statement = statement.where(dirty.c.opened_at >= paris_day_bounds(first)[0])
    if last is not None:
        statement = statement.where(dirty.c.opened_at < paris_day_bounds(last)[1])
    rows = db.session.execute(statement.returning(dirty.c.opened_at))
    return {paris_day(opened_at) for (opened_at,) in rows}


def pending_changes() -> int:
    """How many recorded changes wait for a refresh."""
    return db.session.execute(select(func.count()).select_from(dirty)).scalar()


def stale_ranges(days: set[date]) -> list[tuple[date, date]]:
    """Contiguous ranges covering each dirty day and the return window before it.

    A day's "came back within 7 days" figures depend on the tickets of the 7 days after it.
    """
    covered = sorted({d - timedelta(days=k) for d in days for k in range(RETURN_WINDOW_DAYS + 1)})
    ranges: list[tuple[date, date]] = []
    for day in covered:
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges
