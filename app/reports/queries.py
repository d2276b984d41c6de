"""Read-side queries: sums over the fact tables, filtered by period, sites and channels.

Reports never read the tickets table: they read the weekly rollups for the whole weeks of the
period and the daily facts for the days of its partial edge weeks, summed by the database.
"""

from datetime import timedelta

import pandas as pd
from sqlalchemy import Table, func, select, tuple_, union_all

from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.reports.facts.models import WEEKLY, fact_activity, fact_handling, fact_procedures
from app.reports.facts.weekly import week_start, whole_weeks
from app.reports.models import ReportFile, ReportResult, ReportRun
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


def _branch(table: Table, day_column, columns: list[str], where: list, site_ids, channel_ids):
    """SELECT `columns` of one fact table (`day` read from `day_column`), filtered."""
    query = select(*(day_column.label("day") if c == "day" else table.c[c] for c in columns)).where(*where)
    if site_ids:
        query = query.where(table.c.site_id.in_(site_ids))
    if channel_ids:
        query = query.where(table.c.channel_id.in_(channel_ids))
    return query


def fact_rows(table: Table, columns: list[str], params: ReportParams):
    """The fact rows of the period and filters as a subquery of `columns`, `day` being the week's Monday.

    Whole weeks inside the period are read from the weekly rollup; only the days of the partial
    weeks at its edges come from the daily table (UNION ALL): the caller groups and sums.
    """
    site_ids, channel_ids = resolve_filters(params)
    weekly = WEEKLY[table]
    day = week_start(table.c.day)
    weeks = whole_weeks(params.start, params.end)
    if weeks is None:
        return _branch(table, day, columns, [table.c.day.between(params.start, params.end)],
                       site_ids, channel_ids).subquery("facts")
    first, last = weeks
    branches = [_branch(weekly, weekly.c.week, columns, [weekly.c.week.between(first, last)], site_ids, channel_ids)]
    if params.start < first:
        branches.append(_branch(table, day, columns, [table.c.day.between(params.start, first - timedelta(days=1))],
                                site_ids, channel_ids))
    if params.end > last + timedelta(days=6):
        branches.append(_branch(table, day, columns, [table.c.day.between(last + timedelta(days=7), params.end)],
                                site_ids, channel_ids))
    return (union_all(*branches) if len(branches) > 1 else branches[0]).subquery("facts")


REPORTS_BIND = "reports"  # SQLALCHEMY_BINDS key, set from REPORTS_DATABASE_URL (a streaming replica)


def _reports_bind() -> dict:
    """Where the fact sums are read: the `reports` bind when configured, else the main database."""
    engine = db.engines.get(REPORTS_BIND) if REPORTS_BIND in db.engines else None
    return {"bind_arguments": {"bind": engine}} if engine is not None else {}


def _frame(query) -> pd.DataFrame:
    result = db.session.execute(query, **_reports_bind())
    return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))


def _as_int(frame: pd.DataFrame, measures) -> pd.DataFrame:
    for m in measures:
        frame[m] = pd.to_numeric(frame[m]).fillna(0).astype("int64") if len(frame) else frame[m]
    return frame


def sum_facts(table: Table, dims: list[str], measures: list[str], params: ReportParams) -> pd.DataFrame:
    """Sum `measures` of `table` grouped by `dims` (`day` by week) over the period and filters."""
    facts = fact_rows(table, dims + measures, params)
    keys = [facts.c[d] for d in dims]
    query = select(*keys, *(func.sum(facts.c[m]).label(m) for m in measures)).group_by(*keys)
    return _as_int(_frame(query), measures)


def sum_procedures_by_owner(keys: list[str], params: ReportParams) -> dict[str, pd.DataFrame]:
    """Tickets per owner of their procedure (city, state, or None without one), grouped by each of `keys`
    separately: {key: frame of key, owner, tickets}. One scan with GROUPING SETS on PostgreSQL."""
    facts = fact_rows(fact_procedures, keys + ["procedure_id", "tickets"], params)
    owner = Procedure.owner.label("owner")
    source = facts.outerjoin(Procedure, Procedure.id == facts.c.procedure_id)

    def grouped(*group_by):
        query = (select(*(facts.c[k] for k in keys), owner, func.sum(facts.c.tickets).label("tickets"))
                 .select_from(source).group_by(*group_by))
        return _as_int(_frame(query), ["tickets"])

    if db.session.get_bind().dialect.name == "postgresql":
        both = grouped(func.grouping_sets(*(tuple_(facts.c[k], Procedure.owner) for k in keys)))
        # The key columns are never NULL in the facts: a row belongs to the set whose key it carries.
        parts = {k: both[both[k].notna()] for k in keys}
    else:
        parts = {k: grouped(facts.c[k], Procedure.owner) for k in keys}
    return {k: frame[[k, "owner", "tickets"]].reset_index(drop=True) for k, frame in parts.items()}


def has_facts(start, end) -> bool:
    """Whether any ticket was opened in the period (read from the daily facts)."""
    query = select(fact_activity.c.day).where(fact_activity.c.day.between(start, end)).limit(1)
    return db.session.execute(query).first() is not None


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


def reference_names() -> dict[str, dict[str, str]]:
    """{"site": {code: label}, "channel": {...}, "device": {...}}: how the dashboards name the codes."""
    return {kind: {code: label for code, label in labels(REFERENCE_MODELS[kind]).values()}
            for kind in ("site", "channel", "device")}


def recent_runs(limit: int = 30):
    """The latest runs, scheduled ones included, newest first."""
    return db.session.execute(select(ReportRun).order_by(ReportRun.id.desc()).limit(limit)).scalars().all()


def get_run(run_id: int) -> ReportRun | None:
    """The report run with this id; None when unknown."""
    return db.session.get(ReportRun, run_id)


def get_result(run_id: int, result_id: int) -> ReportResult | None:
    """The result `result_id` of run `run_id`; None when unknown or of another run."""
    result = db.session.get(ReportResult, result_id)
    return result if result is not None and result.run_id == run_id else None


def run_files(run_id: int) -> dict:
    """{format: (id, format, filename)} of the run's files, without their content."""
    query = select(ReportFile.id, ReportFile.format, ReportFile.filename).where(ReportFile.run_id == run_id)
    return {row.format: row for row in db.session.execute(query).all()}


def run_file(run_id: int, fmt: str) -> ReportFile | None:
    """The run's file in this format (content included); None when there is none."""
    query = select(ReportFile).where(ReportFile.run_id == run_id, ReportFile.format == fmt)
    return db.session.execute(query).scalar_one_or_none()
