"""Rebuild the daily facts of a period, in SQL: delete the period, then INSERT ... SELECT ... GROUP BY.

The Paris day of a ticket is computed by the database on PostgreSQL
(`(opened_at AT TIME ZONE 'Europe/Paris')::date`, one statement per span of days); on SQLite,
which knows no time zones, each day is processed alone between its UTC bounds computed in Python
(correct across daylight-saving changes, where a day lasts 23 or 25 hours).
"""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from app.extensions import db
from app.reports.facts.dirty import RETURN_WINDOW_DAYS, take_dirty_days
from app.reports.facts.models import (
    HANDLING_BUCKETS,
    fact_activity,
    fact_handling,
    fact_outcomes,
    fact_procedures,
    fact_returns,
    fact_unmet,
)
from app.reports.facts.weekly import rebuild_weeks
from app.tickets.models import Ticket
from app.timeutil import paris_day_bounds
from app.types import UTCDateTime

logger = logging.getLogger(__name__)

PARIS_TZ = "Europe/Paris"
PG_SPAN_DAYS = 62  # days per statement on PostgreSQL: bounded work per statement

T = Ticket.__table__


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _spans(start: date, end: date, span_days: int):
    day = start
    while day <= end:
        last = min(end, day + timedelta(days=span_days - 1))
        yield day, last
        day = last + timedelta(days=1)


class _Span:
    """The SQL pieces for the tickets opened from `first` to `last` (Paris days)."""

    def __init__(self, first: date, last: date, postgres: bool):
        self.first, self.last, self.postgres = first, last, postgres
        lo, _ = paris_day_bounds(first)
        _, hi = paris_day_bounds(last)
        self.where = and_(T.c.opened_at >= bindparam("lo", lo, type_=UTCDateTime()),
                          T.c.opened_at < bindparam("hi", hi, type_=UTCDateTime()))
        if postgres:
            self.day = cast(func.timezone(PARIS_TZ, T.c.opened_at), Date)
            opened = func.extract("epoch", func.date_trunc("second", T.c.opened_at))
            closed = func.extract("epoch", func.date_trunc("second", T.c.closed_at))
            seconds = cast(closed - opened, Integer)
        else:
            if first != last:
                raise ValueError("SQLite spans are single days")
            self.day = literal(first, Date)
            seconds = (cast(func.strftime("%s", T.c.closed_at), Integer)
                       - cast(func.strftime("%s", T.c.opened_at), Integer))
        # Whole seconds between the second-truncated instants; a closing time before opening counts 0.
        self.handling = case((seconds < 0, 0), else_=seconds)

    def group(self, *columns):
        """GROUP BY the day (when it varies) and `columns`."""
        return ([self.day] if self.postgres else []) + list(columns)

    def return_window(self):
        """UTC instants where the day after the ticket's day starts and the 7-day window ends."""
        if self.postgres:
            def start_of(offset: int):
                return func.timezone(PARIS_TZ, cast(self.day + literal_column(str(offset)), DateTime()))
            return start_of(1), start_of(RETURN_WINDOW_DAYS + 1)
        lo, _ = paris_day_bounds(self.first + timedelta(days=1))
        _, hi = paris_day_bounds(self.first + timedelta(days=RETURN_WINDOW_DAYS))
        return bindparam("rlo", lo, type_=UTCDateTime()), bindparam("rhi", hi, type_=UTCDateTime())


def _bucket(handling):
    whens = [(handling < bound * 60, index) for index, bound in enumerate(HANDLING_BUCKETS)]
    return case(*whens, else_=len(HANDLING_BUCKETS))


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _inserts(s: _Span):
    """(table, column names, select) for every fact table."""
    dims = (T.c.site_id, T.c.channel_id)
    closed = T.c.closed_at.is_not(None)
    handling_sum = func.coalesce(func.sum(case((closed, s.handling), else_=None)), 0)
    yield fact_activity, ("day", "site_id", "channel_id", "device_id", "tickets", "closed", "handling_seconds"), (
        select(s.day, *dims, T.c.device_id, func.count(), func.count(T.c.closed_at), handling_sum)
        .where(s.where).group_by(*s.group(*dims, T.c.device_id)))
    yield fact_procedures, ("day", "site_id", "channel_id", "procedure_id", "tickets", "payment_assisted",
                            "protocol_confirmed"), (
        select(s.day, *dims, T.c.procedure_id, func.count(), _count_if(T.c.payment_assisted.is_(True)),
               _count_if(and_(T.c.payment_assisted.is_(True), T.c.protocol_confirmed.is_(True))))
        .where(s.where).group_by(*s.group(*dims, T.c.procedure_id)))
    yield fact_outcomes, ("day", "site_id", "channel_id", "outcome", "mode", "digital_choice", "tickets", "closed",
                          "handling_seconds"), (
        select(s.day, *dims, T.c.outcome, T.c.mode, T.c.digital_choice, func.count(), func.count(T.c.closed_at),
               handling_sum)
        .where(s.where).group_by(*s.group(*dims, T.c.outcome, T.c.mode, T.c.digital_choice)))
    bucket = _bucket(s.handling)
    yield fact_handling, ("day", "site_id", "channel_id", "outcome", "bucket", "tickets"), (
        select(s.day, *dims, T.c.outcome, bucket, func.count())
        .where(s.where, closed).group_by(*s.group(*dims, T.c.outcome, bucket)))
    text = func.nullif(func.trim(T.c.requested_service_text), "")
    yield fact_unmet, ("day", "site_id", "channel_id", "requested_procedure_id", "requested_text", "tickets"), (
        select(s.day, *dims, T.c.requested_procedure_id, text, func.count())
        .where(s.where, or_(T.c.requested_procedure_id.is_not(None), text.is_not(None)))
        .group_by(*s.group(*dims, T.c.requested_procedure_id, text)))
    later = T.alias("later")
    window_start, window_end = s.return_window()
    came_back = exists().where(later.c.resident_id == T.c.resident_id, later.c.opened_at >= window_start,
                               later.c.opened_at < window_end)
    yield fact_returns, ("day", "site_id", "channel_id", "contacts", "returned"), (
        select(s.day, *dims, func.count(), _count_if(came_back))
        .where(s.where, T.c.resident_id.is_not(None)).group_by(*s.group(*dims)))


def _rebuild_span(s: _Span) -> None:
    session = db.session
    for table in (fact_activity, fact_procedures, fact_outcomes, fact_handling, fact_unmet, fact_returns):
        session.execute(delete(table).where(table.c.day.between(s.first, s.last)))
    for table, columns, query in _inserts(s):
        session.execute(table.insert().from_select(list(columns), query))


def rebuild_facts(start_day: date, end_day: date) -> dict:
    """Recompute every fact table for the Paris days `start_day`..`end_day` (inclusive); idempotent.

    The weekly rollups of every week touching the period are recomputed from the daily facts after.

    Consumes the recorded changes (`fact_dirty_days`) of the days whose whole return window lies
    in the period. Runs in the caller's transaction (flushes, never commits): the caller commits, so readers see
    either the old facts of the period or the new ones. Returns {"days": n, "seconds": elapsed}.
    """
    if start_day > end_day:
        raise ValueError("start_day is after end_day")
    started = datetime.now()
    db.session.flush()
    # Changes recorded for the days rebuilt here, and whose return window too lies in the period,
    # are taken into account: consumed first, so every change committed after is left for a refresh.
    if end_day - start_day >= timedelta(days=RETURN_WINDOW_DAYS):
        take_dirty_days(start_day + timedelta(days=RETURN_WINDOW_DAYS), end_day)
    postgres = _is_postgres()
    for first, last in _spans(start_day, end_day, PG_SPAN_DAYS if postgres else 1):
        _rebuild_span(_Span(first, last, postgres))
    rebuild_weeks(start_day, end_day)
    elapsed = (datetime.now() - started).total_seconds()
    days = (end_day - start_day).days + 1
    logger.info("Faits reconstruits du %s au %s (%s jour(s)) en %.2f s", start_day, end_day, days, elapsed)
    return {"days": days, "seconds": elapsed}


def ticket_day_range() -> tuple[date, date] | None:
    """The first and last Paris days holding a ticket, or None without tickets."""
    from app.timeutil import paris_day

    low, high = db.session.execute(select(func.min(T.c.opened_at), func.max(T.c.opened_at))).one()
    if low is None:
        return None
    low, high = (UTCDateTime().process_result_value(v, None) if not isinstance(v, datetime) else v
                 for v in (low, high))
    return paris_day(low), paris_day(high)
