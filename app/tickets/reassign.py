"""Moving tickets to another resident record: what contacts calls when two records are merged."""

from app.extensions import db
from app.tickets.history import record_event
from app.tickets.models import Ticket
from app.timeutil import utcnow


def reassign_tickets(from_resident_id: int, to_resident_id: int, agent) -> list[int]:
    """Move every ticket of resident `from_resident_id` to `to_resident_id`; returns the moved ticket ids.

    Each ticket gets a new version and a "merged" event naming it, so an agent who opened one of
    them before the move is told on saving what changed (the resident), not just that it changed.
    Tickets are taken in id order (the same lock order for every caller); flushed, not committed.
    """
    tickets = db.session.execute(db.select(Ticket).where(Ticket.resident_id == from_resident_id)
                                 .order_by(Ticket.id).with_for_update()).scalars().all()
    now = utcnow()
    for ticket in tickets:
        ticket.resident_id = to_resident_id
        ticket.updated_at = now
    db.session.flush()  # bumps each ticket's version (version_id_col)
    for ticket in tickets:
        record_event(ticket, agent, "merged", {"resident_id": [from_resident_id, to_resident_id]})
    return [ticket.id for ticket in tickets]
