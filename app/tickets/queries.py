"""Read side of tickets: lists paginated by keyset (no COUNT, no OFFSET), a ticket's history and journey.

A page is found by the (opened_at, id) of the row before it, so page 1,000 of a site's queue costs what
page 1 costs. A site's queue over several statuses is read as one index range per status
(ix_tickets_site_status_opened) merged by a UNION ALL, each branch stopping after one page.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, tuple_, union_all
from sqlalchemy.orm import joinedload

from app.auth.models import Agent
from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.tickets.models import STATUSES, Ticket, TicketEvent
from app.timeutil import as_utc, paris_day_bounds


@dataclass
class TicketFilters:
    """What a ticket list is restricted to; every field is optional."""

    channel_id: int | None = None
    site_id: int | None = None
    statuses: tuple[str, ...] = ()
    procedure_id: int | None = None
    owner: str | None = None  # city / state
    date_from: date | None = None  # Paris days, inclusive
    date_to: date | None = None
    agent_id: int | None = None
    resident_id: int | None = None
    extra: list = field(default_factory=list)  # further WHERE clauses (visibility)

    def to_params(self) -> dict:
        """The filters as plain values (JSON), for a job; `extra` (visibility) is the job's to rebuild."""
        return {"channel_id": self.channel_id, "site_id": self.site_id, "statuses": list(self.statuses),
                "procedure_id": self.procedure_id, "owner": self.owner, "agent_id": self.agent_id,
                "resident_id": self.resident_id,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None}

    @classmethod
    def from_params(cls, params: dict, extra: list) -> "TicketFilters":
        """The filters of `to_params`, with these further clauses."""
        days = {key: date.fromisoformat(params[key]) if params.get(key) else None for key in ("date_from", "date_to")}
        return cls(channel_id=params.get("channel_id"), site_id=params.get("site_id"),
                   statuses=tuple(params.get("statuses") or ()), procedure_id=params.get("procedure_id"),
                   owner=params.get("owner"), agent_id=params.get("agent_id"), resident_id=params.get("resident_id"),
                   extra=list(extra), **days)

    def clauses(self, with_statuses: bool = True) -> list:
        where = list(self.extra)
        if self.channel_id:
            where.append(Ticket.channel_id == self.channel_id)
        if self.site_id:
            where.append(Ticket.site_id == self.site_id)
        if with_statuses and self.statuses:
            where.append(Ticket.status.in_(self.statuses))
        if self.procedure_id:
            where.append(Ticket.procedure_id == self.procedure_id)
        if self.owner:
            where.append(Ticket.procedure_id.in_(select(Procedure.id).where(Procedure.owner == self.owner)))
        if self.date_from:
            where.append(Ticket.opened_at >= paris_day_bounds(self.date_from)[0])
        if self.date_to:
            where.append(Ticket.opened_at < paris_day_bounds(self.date_to)[1])
        if self.agent_id:
            where.append(Ticket.agent_id == self.agent_id)
        if self.resident_id:
            where.append(Ticket.resident_id == self.resident_id)
        return where


@dataclass
class Page:
    """One page of tickets and the cursors around it (None when there is no such page)."""

    tickets: list
    next_cursor: str | None
    prev_cursor: str | None


def encode_cursor(opened_at: datetime, ticket_id: int) -> str:
    return f"{as_utc(opened_at).strftime('%Y%m%dT%H%M%S%f')}.{ticket_id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (opened_at, id) in a cursor; None when absent or malformed (the first page is shown)."""
    if not cursor:
        return None
    try:
        stamp, ident = cursor.split(".")
        return as_utc(datetime.strptime(stamp, "%Y%m%dT%H%M%S%f")), int(ident)
    except ValueError:
        return None


def _branch(where: list, after, forward_asc: bool, limit: int):
    """SELECT id, opened_at in (opened_at, id) order after the cursor, `limit` rows."""
    key = tuple_(Ticket.opened_at, Ticket.id)
    stmt = select(Ticket.id, Ticket.opened_at).where(*where)
    if after is not None:
        stmt = stmt.where(key > tuple_(*after) if forward_asc else key < tuple_(*after))
    order = (Ticket.opened_at.asc(), Ticket.id.asc()) if forward_asc else (Ticket.opened_at.desc(), Ticket.id.desc())
    return stmt.order_by(*order).limit(limit)


def _keys(filters: TicketFilters, after, ascending: bool, limit: int) -> list[tuple[int, datetime]]:
    statuses = filters.statuses
    if filters.site_id and len(statuses) > 1:
        branches = [_branch(filters.clauses(with_statuses=False) + [Ticket.status == s], after, ascending, limit)
                    .subquery().select() for s in statuses]
        merged = union_all(*branches).subquery()
        order = (merged.c.opened_at.asc(), merged.c.id.asc()) if ascending else \
            (merged.c.opened_at.desc(), merged.c.id.desc())
        stmt = select(merged.c.id, merged.c.opened_at).order_by(*order).limit(limit)
    else:
        stmt = _branch(filters.clauses(), after, ascending, limit)
    return [(row.id, row.opened_at) for row in db.session.execute(stmt)]


def load_tickets(ids: list[int]) -> list[Ticket]:
    """Tickets by id, in the given order, with what a list shows."""
    if not ids:
        return []
    stmt = (select(Ticket).where(Ticket.id.in_(ids))
            .options(joinedload(Ticket.channel), joinedload(Ticket.site), joinedload(Ticket.procedure),
                     joinedload(Ticket.resident), joinedload(Ticket.agent)))
    by_id = {t.id: t for t in db.session.execute(stmt).unique().scalars()}
    return [by_id[i] for i in ids if i in by_id]


def page_of_tickets(filters: TicketFilters, cursor: str | None = None, before: str | None = None,
                    per_page: int = 50, oldest_first: bool = False) -> Page:
    """A page of tickets after `cursor` (or, going back, before `before`); reads per_page + 1 rows."""
    back = decode_cursor(before)
    if back is not None:
        keys = _keys(filters, back, not oldest_first, per_page + 1)
        has_more_back = len(keys) > per_page
        keys = list(reversed(keys[:per_page]))
        next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if keys else None
        prev_cursor = encode_cursor(keys[0][1], keys[0][0]) if keys and has_more_back else None
        return Page(load_tickets([k[0] for k in keys]), next_cursor, prev_cursor)
    after = decode_cursor(cursor)
    keys = _keys(filters, after, oldest_first, per_page + 1)
    has_more = len(keys) > per_page
    keys = keys[:per_page]
    next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if keys and has_more else None
    prev_cursor = encode_cursor(keys[0][1], keys[0][0]) if keys and after is not None else None
    return Page(load_tickets([k[0] for k in keys]), next_cursor, prev_cursor)


def _export_select(filters: TicketFilters, *more):
    requested = Procedure.__table__.alias("requested")
    return (select(Ticket.reference, Ticket.opened_at, Ticket.closed_at, Channel.label, Site.label, Device.label,
                   Procedure.label, Procedure.owner, Ticket.status, Ticket.outcome, Ticket.mode,
                   Ticket.digital_choice, Ticket.payment_assisted, Ticket.protocol_confirmed, requested.c.label,
                   Ticket.requested_service_text, Ticket.anonymous, Ticket.resident_id, Agent.name,
                   Ticket.external_ref, *more)
            .join(Channel, Channel.id == Ticket.channel_id).join(Site, Site.id == Ticket.site_id)
            .outerjoin(Device, Device.id == Ticket.device_id)
            .outerjoin(Procedure, Procedure.id == Ticket.procedure_id)
            .outerjoin(requested, requested.c.id == Ticket.requested_procedure_id)
            .outerjoin(Agent, Agent.id == Ticket.agent_id)
            .where(*filters.clauses()).order_by(Ticket.opened_at.desc(), Ticket.id.desc()))


def export_rows(filters: TicketFilters, batch: int = 2000):
    """Every ticket matching the filters, newest first, as plain tuples for a CSV (streamed by batches).

    Columns: `tickets.export.EXPORT_COLUMNS` (labels of the reference rows, codes of the ticket's own fields).
    """
    yield from db.session.execute(_export_select(filters).execution_options(yield_per=batch))


def export_batches(filters: TicketFilters, size: int = 5000):
    """The rows of `export_rows` (then the ticket's id), as lists of `size` rows: one statement per batch,
    after the last row of the previous one (keyset). Nothing stays open between two batches, so the
    caller may commit between them (a job's progress) on the same session.
    """
    after = None
    while True:
        stmt = _export_select(filters, Ticket.id).limit(size)
        if after is not None:
            stmt = stmt.where(tuple_(Ticket.opened_at, Ticket.id) < tuple_(*after))
        batch = list(db.session.execute(stmt))
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = (batch[-1][1], batch[-1][-1])


def count_tickets(filters: TicketFilters, limit: int) -> int:
    """How many tickets match the filters, counting no further than `limit` (a bounded cost)."""
    matching = select(Ticket.id).where(*filters.clauses()).limit(limit).subquery()
    return db.session.execute(select(func.count()).select_from(matching)).scalar_one()


def ticket_events(ticket_id: int) -> list[TicketEvent]:
    """A ticket's history, oldest first."""
    stmt = (select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
            .options(joinedload(TicketEvent.agent)).order_by(TicketEvent.id))
    return list(db.session.execute(stmt).scalars())


def journey(ticket: Ticket) -> list[Ticket]:
    """The chain of transfers this ticket belongs to, first ticket first (one journey across channels)."""
    first, seen = ticket, {ticket.id}
    while first.transferred_from_id is not None and first.transferred_from_id not in seen:
        first = db.session.get(Ticket, first.transferred_from_id)
        seen.add(first.id)
    chain, current = [first], first
    while True:
        following = db.session.execute(select(Ticket).where(Ticket.transferred_from_id == current.id)
                                       .order_by(Ticket.id).limit(1)).scalar_one_or_none()
        if following is None or following.id in {t.id for t in chain}:
            return chain
        chain.append(following)
        current = following


def get_ticket(ticket_id: int) -> Ticket | None:
    """The ticket with this id; None when unknown."""
    return db.session.get(Ticket, ticket_id)


def get_ticket_by_reference(reference: str) -> Ticket | None:
    return db.session.execute(select(Ticket).where(Ticket.reference == reference)).scalar_one_or_none()


def valid_statuses(values) -> tuple[str, ...]:
    """Keep only known status codes (from a query string)."""
    return tuple(v for v in values if v in STATUSES)


def untrained_tickets(start: date, end: date, site_ids: list[int], channel_ids: list[int]) -> list[tuple]:
    """(opened_at, site_id, procedure_id) of the tickets flagged "agent non formé" opened on Paris days
    `start`..`end` (all sites or channels when the lists are empty). Flagged tickets are few: no facts."""
    query = select(Ticket.opened_at, Ticket.site_id, Ticket.procedure_id).where(
        Ticket.untrained_agent, Ticket.opened_at >= paris_day_bounds(start)[0],  # as the partial index says it
        Ticket.opened_at < paris_day_bounds(end)[1])
    if site_ids:
        query = query.where(Ticket.site_id.in_(site_ids))
    if channel_ids:
        query = query.where(Ticket.channel_id.in_(channel_ids))
    return [tuple(row) for row in db.session.execute(query)]
