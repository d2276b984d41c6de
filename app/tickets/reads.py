"""Reading a ticket: every page that shows one is audited (who, which ticket, its resident, where).

Like `app/contacts/reads.py` for residents: the entry names the ticket and the page, never a value read.
"""

from app.audit.actor import Actor
from app.audit.services import record
from app.tickets.models import Ticket


def record_ticket_read(actor: Actor, ticket: Ticket, page: str | None = None, via_resident: bool = False) -> None:
    """Audit that `actor` was shown `ticket`: on `page` (e.g. "edit_form"; None: the ticket's own page), and
    whether it was opened from its resident's page (another channel's ticket, allowed from there only)."""
    detail = {}
    if page:
        detail["page"] = page
    if via_resident:
        detail["via"] = "resident"
    record("ticket.view", actor, object_type="ticket", object_id=ticket.id, resident_id=ticket.resident_id,
           detail=detail)


def record_ticket_export(actor: Actor, query: dict, **detail) -> None:
    """Audit that `actor` took the ticket list away as a file: the list's query (filters, never a value
    read) and, for an XLSX, its format and export id."""
    record("ticket.export", actor, object_type="ticket", detail={**query, **detail})
