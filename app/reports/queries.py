"""Read-side queries: sums over the daily fact tables, filtered by period, sites and channels.

Reports never read the tickets table: a year of facts is a few hundred thousand rows at most,
summed by the database into a few thousand.
"""

import pandas as pd
from sqlalchemy import Date, Table, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.reports.facts.models import fact_handling, fact_procedures
from app.reports.params import ReportError, ReportParams


def resolve_filters(params: ReportParams) -> tuple[list[int], list[int]]:
    """Site and channel ids of the parameters' codes; an unknown code is a `ReportError` naming it."""
    site_ids = _ids(Site, params.sites, "site")
    channel_ids = _ids(Channel, params.channels, "canal")
    return site_ids, channel_ids


def _ids(model, codes, label: str) -> list[int]:
    if not codes:
        return []
    found = dict(db.session.execute(select(model.code, model.id).where(model.code.in_(codes))).all())
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ReportError(f"{label.capitalize()} inconnu : {', '.join(unknown)}.")
    return [found[c] for c in codes]


def _filtered(query, table: Table, params: ReportParams):
    site_ids, channel_ids = resolve_filters(params)
    query = query.where(table.c.day.between(params.start, params.end))
    if site_ids:
        query = query.where(table.c.site_id.in_(site_ids))
    if channel_ids:
        query = query.where(table.c.channel_id.in_(channel_ids))
    return query


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


def _keys(table: Table, dims: list[str]) -> list:
    """Grouping columns; `day` is grouped by week in SQL (every report shows weeks, never days),
    which keeps the rows sent to pandas seven times fewer. The column keeps its name `day`."""
    return [week_start(table.c.day).label("day") if d == "day" else table.c[d] for d in dims]


def _frame(query) -> pd.DataFrame:
    result = db.session.execute(query)
    return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))


def sum_facts(table: Table, dims: list[str], measures: list[str], params: ReportParams) -> pd.DataFrame:
    """Sum `measures` of `table` grouped by `dims` (`day` by week) over the period and filters."""
    keys = _keys(table, dims)
    query = select(*keys, *(func.sum(table.c[m]).label(m) for m in measures)).group_by(*keys)
    frame = _frame(_filtered(query, table, params))
    for m in measures:
        frame[m] = pd.to_numeric(frame[m]).fillna(0).astype("int64") if len(frame) else frame[m]
    return frame


def sum_procedures_by_owner(dims: list[str], params: ReportParams) -> pd.DataFrame:
    """Tickets grouped by `dims` and the owner of their procedure (city, state, or None without one)."""
    t = fact_procedures
    keys = _keys(t, dims)
    query = (select(*keys, Procedure.owner.label("owner"), func.sum(t.c.tickets).label("tickets"))
             .select_from(t.outerjoin(Procedure, Procedure.id == t.c.procedure_id))
             .group_by(*keys, Procedure.owner))
    frame = _frame(_filtered(query, t, params))
    frame["tickets"] = pd.to_numeric(frame["tickets"]).astype("int64") if len(frame) else frame["tickets"]
    return frame


def handling_histogram(dims: list[str], params: ReportParams) -> pd.DataFrame:
    """Closed tickets per handling-time bucket, grouped by `dims`."""
    return sum_facts(fact_handling, dims + ["bucket"], ["tickets"], params)


def labels(model) -> dict[int, tuple[str, str]]:
    """{id: (code, label)} of a reference table (sites, channels, devices, procedures)."""
    return {row.id: (row.code, row.label) for row in db.session.execute(select(model.id, model.code, model.label))}


def procedure_catalogue() -> pd.DataFrame:
    """Every procedure: id, code, label, owner, availability, payment."""
    query = select(Procedure.id.label("procedure_id"), Procedure.code, Procedure.label, Procedure.owner,
                   Procedure.availability, Procedure.involves_payment)
    return _frame(query)


REFERENCE_MODELS = {"site": Site, "channel": Channel, "device": Device, "procedure": Procedure}


def site_choices() -> list[tuple[str, str]]:
    """(code, label) of the active sites, for the dashboard form."""
    return [tuple(r) for r in db.session.execute(select(Site.code, Site.label).where(Site.active).order_by(Site.id))]


def channel_choices() -> list[tuple[str, str]]:
    """(code, label) of the active channels, for the dashboard form."""
    query = select(Channel.code, Channel.label).where(Channel.active).order_by(Channel.sort_order, Channel.id)
    return [tuple(r) for r in db.session.execute(query)]


def recent_runs(limit: int = 30):
    """The latest runs, scheduled ones included, newest first."""
    from app.reports.models import ReportRun

    return db.session.execute(select(ReportRun).order_by(ReportRun.id.desc()).limit(limit)).scalars().all()
