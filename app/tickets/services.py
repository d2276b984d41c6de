"""Ticket use cases: log, update (optimistic locking). Status changes and transfers: `workflow.py`.

Services add and flush, never commit. Every rule is checked by `save_checks` (one place), every change
becomes a TicketEvent. An edit is audited (`ticket.update`) for the `actor` given (who and from where).
"""

import logging

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Agent
from app.contacts.services import touch_resident
from app.extensions import db
from app.tickets.checks import TEXT_LIMITS, TicketError, ticket_problems, ticket_values
from app.tickets.history import diff, fields_changed_since, record_event, snapshot
from app.tickets.labels import FIELD_LABELS, display_value
from app.tickets.models import Ticket
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


def log_ticket(values: dict, agent: Agent | None) -> Ticket:
    """Create a ticket from attribute values (ids for relations); raises TicketError naming each bad field.

    Defaults: agent = the caller, opened now, status `open`; a resolved or closed ticket gets its
    closing time. The reference is allocated atomically for the Paris year of `opened_at`.
    """
    cleaned = _clean(values, CREATABLE)
    cleaned.setdefault("agent_id", agent.id if agent is not None else None)
    cleaned["status"] = cleaned.get("status") or "open"
    cleaned["opened_at"] = cleaned.get("opened_at") or utcnow()
    if cleaned["status"] in CLOSED_STATUSES and not cleaned.get("closed_at"):
        cleaned["closed_at"] = max(utcnow(), as_utc(cleaned["opened_at"]))
    ticket = Ticket(**cleaned)
    save_checks(ticket, agent)
    ticket.reference = reference_value(to_paris(ticket.opened_at).year)
    ticket.updated_at = utcnow()
    db.session.add(ticket)
    db.session.flush()
    record_event(ticket, agent, "created", diff({}, snapshot(ticket)))
    touch_resident(ticket.resident_id, ticket.opened_at)
    return ticket


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
