"""Weekly rollups of the daily facts: the Monday of each ISO week, summed in SQL from the daily rows.

A week's rows are always recomputed whole from the daily facts of its seven days, so rebuilding
any days (a month per transaction, a refresh of a few days) leaves every touched week exact.
"""

from datetime import date, timedelta

from sqlalchemy import Date, delete, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db
from app.reports.facts.models import FACT_TABLES, MEASURES, WEEKLY


class week_start(FunctionElement):  # noqa: N801 - reads as the SQL function it renders
    """The Monday of a date's ISO week, computed by the database."""

    type = Date()
    inherit_cache = True


@compiles(week_start, "postgresql")
def _week_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw):
    day = compiler.process(element.clauses, **kw)
    return f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) || ' days')"


def monday(day: date) -> date:
    """The Monday starting the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The first and last Mondays of the weeks lying wholly inside `start`..`end`, or None."""
    first = monday(start + timedelta(days=6))
    last = monday(end + timedelta(days=1)) - timedelta(days=7)
    return (first, last) if first <= last else None


def rebuild_weeks(start_day: date, end_day: date) -> None:
    """Recompute the weekly rollups of every week touching `start_day`..`end_day` from the daily facts."""
    first, last = monday(start_day), monday(end_day)
    for daily in FACT_TABLES:
        weekly = WEEKLY[daily]
        dims = [c.name for c in daily.columns if c.name != "day" and c.name not in MEASURES[daily.name]]
        week = week_start(daily.c.day)
        query = (select(week, *(daily.c[d] for d in dims),
                        *(func.sum(daily.c[m]) for m in MEASURES[daily.name]))
                 .where(daily.c.day.between(first, last + timedelta(days=6)))
                 .group_by(week, *(daily.c[d] for d in dims)))
        db.session.execute(delete(weekly).where(weekly.c.week.between(first, last)))
        db.session.execute(weekly.insert().from_select(["week", *dims, *MEASURES[daily.name]], query))
