"""Ticket use cases: log, update (optimistic locking). Status changes and transfers: `workflow.py`.

Services add and flush, never commit. Every rule is checked by `save_checks` (one place), every change
becomes a TicketEvent. An edit is audited (`ticket.update`) for the `actor` given (who and from where).
"""

import logging
from functools import cache

from sqlalchemy import Integer, String, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Agent
from app.contacts.services import touch_resident
from app.extensions import db
from app.tickets.checks import TEXT_LIMITS, TicketError, ticket_problems, ticket_values
from app.tickets.history import diff, fields_changed_since, masked, record_event, snapshot
from app.tickets.labels import FIELD_LABELS, display_value
from app.tickets.models import Ticket, TicketEvent
from app.tickets.references import reference_value
from app.timeutil import as_utc, to_paris, utcnow

logger = logging.getLogger(__name__)

# What `log_ticket` accepts; `update_ticket` accepts EDITABLE (channel, site and status move by
# transfer and status change).
CREATABLE = ("resident_id", "anonymous", "channel_id", "site_id", "device_id", "procedure_id", "agent_id",
             "opened_at", "closed_at", "status", "outcome", "mode", "digital_choice", "requested_procedure_id",
             "requested_service_text", "payment_assisted", "protocol_confirmed", "family_number", "notes",
             "external_ref", "transferred_from_id", "submission_token")
EDITABLE = ("resident_id", "anonymous", "device_id", "procedure_id", "closed_at", "outcome", "mode",
            "digital_choice", "requested_procedure_id", "requested_service_text", "payment_assisted",
            "protocol_confirmed", "family_number", "notes")
CLOSED_STATUSES = ("resolved", "closed", "transferred")


class StaleTicketError(Exception):
    """Someone saved the ticket since the agent opened it; `conflicts` lists what changed.

    Each conflict is (field, label, their value, your value), values as shown to people.
    """

    def __init__(self, ticket: Ticket, conflicts: list[tuple[str, str, str, str]]):
        super().__init__("Ce ticket a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert.")
        self.ticket = ticket
        self.conflicts = conflicts
        self.current_version = ticket.version


def _clean(values: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"fields not accepted here: {sorted(unknown)}")
    cleaned = {}
    for key, value in values.items():
        if key in TEXT_LIMITS or key == "family_number":
            value = (value or "").strip() or None
        cleaned[key] = value
    return cleaned


def save_checks(ticket: Ticket, agent) -> None:
    """The one place every ticket write goes through before its flush: rules, protocol, closing time."""
    if not ticket.payment_assisted:
        ticket.protocol_confirmed = False
    if ticket.protocol_confirmed and ticket.protocol_confirmed_by_id is None:
        ticket.protocol_confirmed_by_id = agent.id if agent is not None else ticket.agent_id
    if not ticket.protocol_confirmed:
        ticket.protocol_confirmed_by_id = None
    if ticket.anonymous is None:
        ticket.anonymous = False
    values = ticket_values(ticket)
    problems = ticket_problems(values)
    if problems:
        raise TicketError(problems)
    ticket.untrained_agent = values["untrained_agent"]  # set by the training hook of `ticket_problems`


_TICKETS = Ticket.__table__
_DATABASE_GIVEN = ("id", "reference")  # the INSERT returns them
_WRITTEN = tuple(c.key for c in _TICKETS.columns if c.key not in _DATABASE_GIVEN)
_EVENT = {"ticket_id": Integer(), "agent_id": Integer(), "at": TicketEvent.__table__.c.at.type,
          "kind": String(), "changes": TicketEvent.__table__.c.changes.type, "ticket_version": Integer()}


def _new_ticket(values: dict, agent: Agent | None) -> Ticket:
    """The ticket `values` describe, checked, with every column as its INSERT writes it (not in the session).

    Defaults: agent = the caller, opened now, status `open`; a resolved or closed ticket gets its closing
    time; the other columns their model default (as the ORM would apply them at a flush).
    """
    cleaned = _clean(values, CREATABLE)
    cleaned.setdefault("agent_id", agent.id if agent is not None else None)
    cleaned["status"] = cleaned.get("status") or "open"
    cleaned["opened_at"] = cleaned.get("opened_at") or utcnow()
    if cleaned["status"] in CLOSED_STATUSES and not cleaned.get("closed_at"):
        cleaned["closed_at"] = max(utcnow(), as_utc(cleaned["opened_at"]))
    ticket = Ticket(**cleaned)
    save_checks(ticket, agent)
    ticket.updated_at = utcnow()
    for column in _TICKETS.columns:
        if column.key in _DATABASE_GIVEN or ticket.__dict__.get(column.key) is not None:
            continue
        default = column.default
        value = None if default is None else default.arg(None) if default.is_callable else default.arg
        setattr(ticket, column.key, value)
    return ticket


@cache
def _insert_statement(postgresql_: bool, year: int | None, once: bool):
    """The INSERT of a ticket (its columns as parameters), returning its id and reference.

    PostgreSQL: the reference from the year's sequence, and the "created" event inserted by the same
    statement (a data-modifying CTE). `once`: nothing is written when a ticket has the same
    `submission_token` (ON CONFLICT DO NOTHING: no savepoint, no error to recover from).
    """
    insert = postgresql.insert if postgresql_ else sqlite.insert
    reference = reference_value(year) if postgresql_ else bindparam("reference")
    statement = insert(_TICKETS).values({key: bindparam(key) for key in _WRITTEN} | {"reference": reference})
    if once:
        statement = statement.on_conflict_do_nothing(index_elements=[_TICKETS.c.submission_token])
    statement = statement.returning(_TICKETS.c.id, _TICKETS.c.reference)
    if not postgresql_:
        return statement
    created = statement.cte("created")
    event_values = [created.c.id] + [bindparam(f"event_{key}", type_=type_) for key, type_ in _EVENT.items()
                                     if key != "ticket_id"]
    event = db.insert(TicketEvent.__table__).from_select(list(_EVENT), db.select(*event_values)).cte("created_event")
    return db.select(created.c.id, created.c.reference).add_cte(event)


def _insert(ticket: Ticket, agent: Agent | None, once: bool) -> Ticket | None:
    """Write the ticket, its "created" event and the resident's last contact; the ticket, now in the session.

    Core statements (the ORM's unit of work adds nothing to one new row): on PostgreSQL the ticket and its
    event in one statement, the reference numbered by it. None when `once` and the token was used.
    """
    postgresql_ = db.session.get_bind().dialect.name == "postgresql"
    year = to_paris(ticket.opened_at).year
    changes = masked(diff({}, snapshot(ticket)))
    parameters = {key: ticket.__dict__[key] for key in _WRITTEN}
    if postgresql_:
        reference_value(year)  # the year's sequence exists (created once per process and year)
        parameters.update(event_agent_id=agent.id if agent is not None else None, event_at=ticket.updated_at,
                          event_kind="created", event_changes=changes, event_ticket_version=ticket.version)
    else:
        parameters["reference"] = reference_value(year)
    row = db.session.execute(_insert_statement(postgresql_, year if postgresql_ else None, once), parameters).first()
    if row is None:
        return None
    ticket.id, ticket.reference = row.id, row.reference
    if not postgresql_:
        db.session.execute(db.insert(TicketEvent.__table__), {
            "ticket_id": ticket.id, "agent_id": agent.id if agent is not None else None, "at": ticket.updated_at,
            "kind": "created", "changes": changes, "ticket_version": ticket.version})
    make_transient_to_detached(ticket)  # persistent as written: no SELECT, nothing left to flush
    db.session.add(ticket)
    touch_resident(ticket.resident_id, ticket.opened_at)
    return ticket


def log_ticket(values: dict, agent: Agent | None) -> Ticket:
    """Create a ticket from attribute values (ids for relations); raises TicketError naming each bad field.

    Defaults: agent = the caller, opened now, status `open`; a resolved or closed ticket gets its
    closing time. The reference is allocated atomically for the Paris year of `opened_at`.
    """
    return _insert(_new_ticket(values, agent), agent, once=False)


def log_ticket_unless_submitted(values: dict, agent: Agent | None) -> Ticket | None:
    """`log_ticket` for a form whose `submission_token` is in `values`; None, with nothing written, when a
    ticket already holds that token (the same form posted again). Raises TicketError like `log_ticket`."""
    return _insert(_new_ticket(values, agent), agent, once=True)


def conflicts_since(ticket: Ticket, expected_version: int, values: dict) -> list[tuple[str, str, str, str]]:
    """(field, label, their value, your value) for every field others changed since `expected_version`."""
    conflicts = []
    for field in fields_changed_since(ticket.id, expected_version):
        mine = values.get(field, getattr(ticket, field))
        conflicts.append((field, FIELD_LABELS.get(field, field), display_value(field, getattr(ticket, field)),
                          display_value(field, mine)))
    return conflicts


def update_ticket(ticket: Ticket, values: dict, agent: Agent | None, expected_version: int, *,
                  actor: Actor | None = None) -> Ticket:
    """Change editable fields of a ticket the agent saw at `expected_version`.

    Raises StaleTicketError (with what changed since, their value and yours) when the ticket moved on,
    TicketError when a rule is broken. No event is written when nothing changed; the save is audited for
    `actor` (by default `agent`, with no address) either way.
    """
    cleaned = _clean(values, EDITABLE)
    if expected_version != ticket.version:
        raise StaleTicketError(ticket, conflicts_since(ticket, expected_version, cleaned))
    before = snapshot(ticket)
    for field, value in cleaned.items():
        setattr(ticket, field, value)
    if ticket.protocol_confirmed and not before["protocol_confirmed"]:
        ticket.protocol_confirmed_by_id = agent.id if agent is not None else None
    save_checks(ticket, agent)
    changes = diff(before, snapshot(ticket))
    if changes:
        ticket.updated_at = utcnow()
        db.session.flush()
        record_event(ticket, agent, "updated", changes)
        if "resident_id" in changes:
            touch_resident(ticket.resident_id, ticket.opened_at)
    record("ticket.update", actor or Actor(agent), object_type="ticket", object_id=ticket.id,
           resident_id=ticket.resident_id)
    return ticket
