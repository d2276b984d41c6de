"""A ticket's append-only history: snapshots of its fields, diffs, events."""

from datetime import datetime

from app.extensions import db
from app.tickets.models import Ticket, TicketEvent

# Fields whose changes are recorded, in display order.
TRACKED = ("resident_id", "anonymous", "channel_id", "site_id", "device_id", "procedure_id", "agent_id",
           "opened_at", "closed_at", "status", "outcome", "mode", "digital_choice", "requested_procedure_id",
           "requested_service_text", "payment_assisted", "protocol_confirmed", "protocol_confirmed_by_id",
           "family_number", "notes", "external_ref", "transferred_from_id")
# Free text that may hold personal details: the history says it changed, not what it says
# (so purging old notes purges them everywhere).
MASKED = {"notes"}
MASK = "(texte)"


def plain(field: str, value):
    """A JSON-friendly value for the history."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def snapshot(ticket: Ticket) -> dict:
    """The tracked fields of a ticket as plain values."""
    return {field: plain(field, getattr(ticket, field)) for field in TRACKED}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ."""
    return {field: [before.get(field), after[field]] for field in after if before.get(field) != after[field]}


def masked(changes: dict) -> dict:
    """The changes as the history keeps them: masked fields say that they changed, not what they say."""
    return {field: [None if v is None else MASK for v in pair] if field in MASKED else pair
            for field, pair in changes.items()}


def record_event(ticket: Ticket, agent, kind: str, changes: dict) -> TicketEvent:
    """Append an event (call after the flush that bumped the ticket's version); masked fields keep no text."""
    event = TicketEvent(ticket_id=ticket.id, agent_id=agent.id if agent is not None else None, kind=kind,
                        changes=masked(changes), ticket_version=ticket.version)
    db.session.add(event)
    return event


def fields_changed_since(ticket_id: int, version: int) -> list[str]:
    """The fields changed by events that produced a version newer than `version`, in TRACKED order."""
    rows = db.session.execute(db.select(TicketEvent.changes).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.ticket_version > version)).scalars()
    changed = set()
    for changes in rows:
        changed.update(changes or {})
    return [field for field in TRACKED if field in changed]
