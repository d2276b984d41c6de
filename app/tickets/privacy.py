"""What privacy asks of tickets: an anonymised resident's tickets lose what identifies the person, and
old tickets lose their notes. Tickets keep every statistical dimension (site, channel, procedure, dates,
status, outcome...): the dashboards count the same before and after."""

from sqlalchemy import update

from app.extensions import db
from app.tickets.history import erase_event_values, replace_event_value
from app.tickets.models import Ticket

# The service asked for (free text) is a dimension of the unmet-demand dashboard: it is kept, unless it
# names the person; then it is replaced (not emptied, so the dashboard still counts the demand).
ERASED_SERVICE_TEXT = "Service demandé (texte effacé)"
# Free text and the family number: erased on the tickets of an anonymised resident, and in their history.
ERASED_FIELDS = ("notes", "family_number")


def anonymise_tickets_of(resident_id: int, names_person) -> list[int]:
    """Erase the notes and family number of the resident's tickets, and the service asked for where
    `names_person(text)` says it names them, on the tickets and in their history; returns the ticket ids.

    Flushed with the caller's transaction, not committed.
    """
    tickets = list(db.session.execute(db.select(Ticket).where(Ticket.resident_id == resident_id)
                                      .order_by(Ticket.id)).scalars())
    for ticket in tickets:
        for field in ERASED_FIELDS:
            setattr(ticket, field, None)
        if names_person(ticket.requested_service_text):
            ticket.requested_service_text = ERASED_SERVICE_TEXT
    ids = [ticket.id for ticket in tickets]
    erase_event_values(ids, fields=ERASED_FIELDS)
    replace_event_value(ids, "requested_service_text", names_person, ERASED_SERVICE_TEXT)
    return ids


def purge_ticket_notes(ticket_ids) -> int:
    """Remove the notes of these tickets, and from their history (the retention rule); returns how many.

    Bulk statements, 500 tickets each; not committed.
    """
    ids = list(ticket_ids)
    for start in range(0, len(ids), 500):
        db.session.execute(update(Ticket).where(Ticket.id.in_(ids[start:start + 500])).values(notes=None)
                           .execution_options(synchronize_session=False))
    erase_event_values(ids, fields=("notes",))
    return len(ids)
