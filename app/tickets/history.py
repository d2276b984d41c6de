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


def _events_of(ticket_ids):
    """The events of these tickets, read 500 tickets at a time."""
    ids = list(ticket_ids)
    for start in range(0, len(ids), 500):
        yield from db.session.execute(
            db.select(TicketEvent).where(TicketEvent.ticket_id.in_(ids[start:start + 500]))).scalars()


def erase_event_values(ticket_ids, fields) -> int:
    """Blank the old and new values of `fields` in the history of these tickets; returns events changed.

    The history is append-only but for this: what is erased from a ticket is erased from its past too.
    """
    changed = 0
    for event in _events_of(ticket_ids):
        changes = dict(event.changes or {})
        hits = [key for key in fields if key in changes]
        if hits:
            for key in hits:
                changes[key] = [None, None]
            event.changes = changes
            changed += 1
    return changed


def replace_event_value(ticket_ids, field: str, matches, replacement: str) -> None:
    """In the history of these tickets, a change of `field` whose old or new text `matches` (a predicate)
    becomes a change to `replacement`, the old text gone."""
    for event in _events_of(ticket_ids):
        pair = (event.changes or {}).get(field)
        if pair and any(matches(value) for value in pair if isinstance(value, str)):
            event.changes = dict(event.changes) | {field: [None, replacement]}
