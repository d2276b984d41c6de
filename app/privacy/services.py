"""Anonymisation: erase who a resident is, keep their tickets for statistics with no way back to them."""

from sqlalchemy import update

from app.audit.services import record
from app.contacts.models import Resident, ResidentChange
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.timeutil import utcnow

# Identity and contact fields erased on the resident (arrondissement stays: a coarse statistic).
ERASED_RESIDENT_FIELDS = {
    "civility": None, "first_name": "", "last_name": "", "birth_date": None, "email": None, "phone": None,
    "phone_alt": None, "address": None, "postal_code": None, "city": None, "account_ref": None,
    "family_number": None, "needs": [], "consent_contact": False, "search_name": "",
}
# Ticket fields that are free text or identify the person; the statistical dimensions are never touched.
ERASED_TICKET_FIELDS = ("notes", "requested_service_text", "family_number")


class AnonymisationError(ValueError):
    """The resident cannot be anonymised (already done, or merged into another record)."""


def erase_event_values(ticket_ids, fields=ERASED_TICKET_FIELDS) -> int:
    """Blank the old and new values of `fields` in the history of these tickets; returns events changed."""
    changed = 0
    ids = list(ticket_ids)
    for start in range(0, len(ids), 500):
        events = db.session.execute(
            db.select(TicketEvent).where(TicketEvent.ticket_id.in_(ids[start:start + 500]))).scalars()
        for event in events:
            changes = dict(event.changes or {})
            hits = [key for key in fields if key in changes]
            if hits:
                for key in hits:
                    changes[key] = [None, None]
                event.changes = changes
                changed += 1
    return changed


def _erase_change_history(resident_id: int) -> None:
    changes = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident_id)).scalars()
    for change in changes:
        change.changes = {field: [None, None] for field in (change.changes or {})}
        change.note = None


def _merged_records(resident: Resident) -> list[Resident]:
    """Records merged into this one (directly or through a chain): they hold the same person's identity."""
    found, frontier = [], [resident.id]
    while frontier:
        rows = list(db.session.execute(db.select(Resident).where(Resident.merged_into_id.in_(frontier))).scalars())
        found += rows
        frontier = [row.id for row in rows]
    return found


def _anonymise_one(resident: Resident, now) -> list[int]:
    for field, value in ERASED_RESIDENT_FIELDS.items():
        setattr(resident, field, value)
    resident.anonymised_at = now
    _erase_change_history(resident.id)
    ticket_ids = list(db.session.execute(db.select(Ticket.id).where(Ticket.resident_id == resident.id)).scalars())
    if ticket_ids:
        db.session.execute(update(Ticket).where(Ticket.id.in_(ticket_ids)).values(
            notes=None, requested_service_text=None, family_number=None).execution_options(
            synchronize_session="fetch"))
        erase_event_values(ticket_ids)
    return ticket_ids


def anonymise_resident(resident: Resident, agent=None, reason: str = "request") -> Resident:
    """Erase a resident's identity, contact details and history values, and their tickets' free text.

    Tickets keep every statistical dimension (site, channel, procedure, dates, status, outcome...).
    Records merged into this one are anonymised too. Audited; flushed, not committed.
    Raises AnonymisationError when already anonymised or merged into another record.
    """
    if resident.anonymised_at is not None:
        raise AnonymisationError("Cet usager est déjà anonymisé.")
    if resident.merged_into_id is not None:
        raise AnonymisationError(
            f"Cet usager a été fusionné dans l'usager n° {resident.merged_into_id} : anonymisez celui-ci.")
    now = utcnow()
    ticket_count = 0
    for row in [resident, *_merged_records(resident)]:
        ticket_count += len(_anonymise_one(row, now))
    db.session.add(ResidentChange(resident_id=resident.id, agent_id=agent.id if agent else None, at=now,
                                  action="anonymised", changes={}, note=None))
    record("resident.anonymise", agent=agent, object_type="resident", object_id=resident.id,
           resident_id=resident.id, detail={"reason": reason, "tickets": ticket_count})
    db.session.flush()
    return resident
