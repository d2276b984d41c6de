"""Rebuild the daily facts of a period, in SQL: delete the period, then INSERT ... SELECT ... GROUP BY.

On PostgreSQL the database computes each ticket's Paris day (`timezone('Europe/Paris', opened_at)`)
and ONE statement per span of 62 days fills every fact table from one scan (`_one_pass`); on
SQLite, which knows no time zones, each day is processed alone between its UTC bounds computed in
Python (correct across daylight-saving changes, where a day lasts 23 or 25 hours), one
INSERT ... SELECT per table (`_Span`, `_inserts`).
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
    over,
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
from app.timeutil import paris_day, paris_day_bounds
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


def _delete_days(first: date, last: date) -> None:
    for table in (fact_activity, fact_procedures, fact_outcomes, fact_handling, fact_unmet, fact_returns):
        db.session.execute(delete(table).where(table.c.day.between(first, last)))


def _rebuild_span(s: _Span) -> None:
    """SQLite: one day, one INSERT ... SELECT per fact table."""
    _delete_days(s.first, s.last)
    for table, columns, query in _inserts(s):
        db.session.execute(table.insert().from_select(list(columns), query))


def _one_pass(first: date, last: date):
    """PostgreSQL: ONE statement filling every fact table of `first`..`last` from one scan of the tickets.

    A materialised CTE reads the tickets of the period and of the 7 days after it once, computing
    each ticket's Paris day, handling time and its bucket (`width_bucket` over the bounds, the
    same index as `handling_bucket`), and whether its resident came back within 7 days with a
    window function (a count over the next 1 to 7 days of the same resident); each fact table is
    an INSERT ... SELECT ... GROUP BY of that CTE, all in the same statement.
    """
    lo, _ = paris_day_bounds(first)
    _, hi = paris_day_bounds(last)
    _, window_hi = paris_day_bounds(last + timedelta(days=RETURN_WINDOW_DAYS))
    hi_param = bindparam("hi", hi, type_=UTCDateTime())
    paris_date = cast(func.timezone(PARIS_TZ, T.c.opened_at), Date)
    day = paris_date.label("day")
    day_number = paris_date - literal_column("DATE '2000-01-01'")  # an integer: RANGE counts in days
    opened = func.extract("epoch", func.date_trunc("second", T.c.opened_at))
    closed_epoch = func.extract("epoch", func.date_trunc("second", T.c.closed_at))
    # Evaluated twice per ticket, not once per bucket: width_bucket finds the bucket in the bounds' array.
    handling = func.greatest(cast(closed_epoch - opened, Integer), 0)
    bounds = literal_column("ARRAY[" + ",".join(str(bound * 60) for bound in HANDLING_BUCKETS) + "]")
    later = over(func.count(), partition_by=T.c.resident_id, order_by=day_number, range_=(1, RETURN_WINDOW_DAYS))
    scanned = (select(day, T.c.site_id, T.c.channel_id, T.c.device_id, T.c.procedure_id, T.c.outcome, T.c.mode,
                      T.c.digital_choice, T.c.resident_id, T.c.requested_procedure_id,
                      T.c.closed_at.is_not(None).label("is_closed"),
                      handling.label("handling"), func.width_bucket(handling, bounds).label("bucket"),
                      func.coalesce(T.c.payment_assisted, False).label("payment"),
                      and_(T.c.payment_assisted.is_(True), T.c.protocol_confirmed.is_(True)).label("protocol"),
                      func.nullif(func.trim(T.c.requested_service_text), "").label("requested_text"),
                      (T.c.opened_at < hi_param).label("in_period"), later.label("came_back"))
               .where(T.c.opened_at >= bindparam("lo", lo, type_=UTCDateTime()),
                      T.c.opened_at < bindparam("window_hi", window_hi, type_=UTCDateTime()))
               .cte("scanned").prefix_with("MATERIALIZED", dialect="postgresql"))
    c = scanned.c
    dims = (c.day, c.site_id, c.channel_id)
    handling_sum = func.coalesce(func.sum(case((c.is_closed, c.handling), else_=None)), 0)
    closed_count = _count_if(c.is_closed)

    inserts = [
        (fact_activity, ("day", "site_id", "channel_id", "device_id", "tickets", "closed", "handling_seconds"),
         [*dims, c.device_id], [func.count(), closed_count, handling_sum], ()),
        (fact_procedures, ("day", "site_id", "channel_id", "procedure_id", "tickets", "payment_assisted",
                           "protocol_confirmed"),
         [*dims, c.procedure_id], [func.count(), _count_if(c.payment), _count_if(c.protocol)], ()),
        (fact_outcomes, ("day", "site_id", "channel_id", "outcome", "mode", "digital_choice", "tickets", "closed",
                         "handling_seconds"),
         [*dims, c.outcome, c.mode, c.digital_choice], [func.count(), closed_count, handling_sum], ()),
        (fact_handling, ("day", "site_id", "channel_id", "outcome", "bucket", "tickets"),
         [*dims, c.outcome, c.bucket], [func.count()], (c.is_closed,)),
        (fact_unmet, ("day", "site_id", "channel_id", "requested_procedure_id", "requested_text", "tickets"),
         [*dims, c.requested_procedure_id, c.requested_text], [func.count()],
         (or_(c.requested_procedure_id.is_not(None), c.requested_text.is_not(None)),)),
        (fact_returns, ("day", "site_id", "channel_id", "contacts", "returned"),
         list(dims), [func.count(), _count_if(c.came_back > 0)], (c.resident_id.is_not(None),)),
    ]
    statement = select(literal(1))
    for table, columns, keys, measures, where in inserts:
        query = select(*keys, *measures).where(c.in_period, *where).group_by(*keys)
        statement = statement.add_cte(table.insert().from_select(list(columns), query).cte(f"fill_{table.name}"))
    return statement


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
    if _is_postgres():
        for first, last in _spans(start_day, end_day, PG_SPAN_DAYS):
            _delete_days(first, last)
            db.session.execute(_one_pass(first, last))
    else:
        for day in _spans(start_day, end_day, 1):
            _rebuild_span(_Span(day[0], day[1], False))
    rebuild_weeks(start_day, end_day)
    elapsed = (datetime.now() - started).total_seconds()
    days = (end_day - start_day).days + 1
    logger.info("Faits reconstruits du %s au %s (%s jour(s)) en %.2f s", start_day, end_day, days, elapsed)
    return {"days": days, "seconds": elapsed}


def ticket_day_range() -> tuple[date, date] | None:
    """The first and last Paris days holding a ticket, or None without tickets."""
    low, high = db.session.execute(select(func.min(T.c.opened_at), func.max(T.c.opened_at))).one()
    if low is None:
        return None
    low, high = (UTCDateTime().process_result_value(v, None) if not isinstance(v, datetime) else v
                 for v in (low, high))
    return paris_day(low), paris_day(high)
