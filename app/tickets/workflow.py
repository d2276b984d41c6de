"""Status changes and transfers. The allowed transitions live here, and only here.

Both are audited (`ticket.status`, `ticket.transfer`) for the `actor` given: who and from where, by default
the agent with no address.
"""

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Agent
from app.channels.models import Channel, Device, Site
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.history import diff, record_event, snapshot
from app.tickets.labels import STATUS_LABELS
from app.tickets.models import Ticket
from app.tickets.services import StaleTicketError, conflicts_since, log_ticket, save_checks
from app.timeutil import utcnow

# From each status, where a ticket may go. `open` from resolved/closed is the reopening;
# `transferred` is final: the journey goes on in the linked ticket.
TRANSITIONS = {
    "open": ("in_progress", "waiting_resident", "resolved", "closed", "transferred"),
    "in_progress": ("waiting_resident", "resolved", "closed", "transferred"),
    "waiting_resident": ("in_progress", "resolved", "closed", "transferred"),
    "resolved": ("closed", "open"),
    "closed": ("open",),
    "transferred": (),
}
# The verb shown on each status button.
ACTION_LABELS = {"in_progress": "Prendre en charge", "waiting_resident": "Mettre en attente de l'usager",
                 "resolved": "Marquer résolu", "closed": "Clore", "open": "Rouvrir"}


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses reachable from `status` by a status change (transfer has its own service)."""
    return tuple(s for s in TRANSITIONS.get(status, ()) if s != "transferred")


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicketError(ticket, conflicts_since(ticket, expected_version, {}))


def change_status(ticket: Ticket, new_status: str, agent: Agent | None, outcome: str | None = None,
                  expected_version: int | None = None, *, actor: Actor | None = None) -> Ticket:
    """Move a ticket to `new_status` if the workflow allows it; closing sets the closing time,
    reopening clears it. Raises TicketError (field `status`) for a forbidden move."""
    _check_version(ticket, expected_version)
    if new_status not in allowed_transitions(ticket.status):
        raise TicketError([("status", f"Un ticket « {STATUS_LABELS.get(ticket.status, ticket.status)} » ne peut "
                                      f"pas passer à « {STATUS_LABELS.get(new_status, new_status)} ».")])
    before = snapshot(ticket)
    ticket.status = new_status
    if outcome:
        ticket.outcome = outcome
    if new_status in ("resolved", "closed") and ticket.closed_at is None:
        ticket.closed_at = utcnow()
    if new_status == "open":
        ticket.closed_at = None
    save_checks(ticket, agent)
    ticket.updated_at = utcnow()
    db.session.flush()
    record_event(ticket, agent, "reopened" if new_status == "open" else "status", diff(before, snapshot(ticket)))
    record("ticket.status", actor or Actor(agent), object_type="ticket", object_id=ticket.id,
           resident_id=ticket.resident_id, detail={"status": ticket.status})
    return ticket


def transfer_ticket(ticket: Ticket, agent: Agent | None, channel: Channel, site: Site,
                    device: Device | None = None, note: str | None = None,
                    expected_version: int | None = None, *, actor: Actor | None = None) -> Ticket:
    """Hand a ticket over to another channel, site or service; returns the new, linked ticket.

    The new ticket keeps the resident, procedure and facilitation details, is `open` and unassigned,
    and points back with `transferred_from_id`, so a 3975 call then a counter visit read as one journey.
    Nobody has seen the resident there yet: no device (unless one is given), no outcome; the channel's
    device is required once the ticket is resolved or closed.
    """
    _check_version(ticket, expected_version)
    if "transferred" not in TRANSITIONS.get(ticket.status, ()):
        raise TicketError([("status", f"Un ticket « {STATUS_LABELS.get(ticket.status, ticket.status)} » ne peut "
                                      "pas être transféré.")])
    family_number = ticket.family_number
    if channel.requires_family_number and not family_number and ticket.resident is not None:
        family_number = ticket.resident.family_number
    new = log_ticket({
        "resident_id": ticket.resident_id, "anonymous": ticket.anonymous, "channel_id": channel.id,
        "site_id": site.id, "device_id": device.id if device else None, "procedure_id": ticket.procedure_id,
        "requested_procedure_id": ticket.requested_procedure_id,
        "requested_service_text": ticket.requested_service_text, "family_number": family_number,
        "notes": note, "agent_id": None, "status": "open", "transferred_from_id": ticket.id,
    }, agent)
    before = snapshot(ticket)
    ticket.status = "transferred"
    ticket.closed_at = ticket.closed_at or utcnow()
    ticket.updated_at = utcnow()
    db.session.flush()
    changes = diff(before, snapshot(ticket))
    changes["transferred_to"] = [None, new.reference]
    record_event(ticket, agent, "transferred", changes)
    record("ticket.transfer", actor or Actor(agent), object_type="ticket", object_id=ticket.id,
           resident_id=ticket.resident_id, detail={"to": new.reference})
    return new
