"""Anonymisation: erase who a resident is, keep their tickets for statistics with no way back to them."""

from app.audit.actor import Actor
from app.audit.services import record
from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import name_key
from app.contacts.services import record_change
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
# The service asked for (free text) is a dimension of the unmet-demand dashboard: it is kept, unless it
# names the person; then it is replaced (not emptied, so the dashboard still counts the demand).
ERASED_SERVICE_TEXT = "Service demandé (texte effacé)"


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


def _identity_keys(resident: Resident) -> list[str]:
    """What would point back to the person in free text: names, e-mail, phone digits, identifiers."""
    keys = [name_key(value) for value in (resident.first_name, resident.last_name) if value]
    keys += [name_key(value) for value in (resident.email, resident.account_ref, resident.family_number) if value]
    for phone in (resident.phone, resident.phone_alt):
        if phone:
            keys += [phone[-9:], "0" + phone[-9:]]
    return [key for key in keys if len(key) >= 3]


def names_person(text: str | None, keys: list[str]) -> bool:
    """True when `text` contains one of the person's identity keys (accents, case and spacing ignored)."""
    if not text:
        return False
    normalised, digits = f" {name_key(text)} ", "".join(ch for ch in text if ch.isdigit())
    return any(f" {key} " in normalised or (key.isdigit() and key in digits) for key in keys)


def _anonymise_one(resident: Resident, now) -> list[int]:
    keys = _identity_keys(resident)
    for field, value in ERASED_RESIDENT_FIELDS.items():
        setattr(resident, field, value)
    resident.anonymised_at = now
    _erase_change_history(resident.id)
    tickets = list(db.session.execute(db.select(Ticket).where(Ticket.resident_id == resident.id)).scalars())
    for ticket in tickets:
        ticket.notes = None
        ticket.family_number = None
        if names_person(ticket.requested_service_text, keys):
            ticket.requested_service_text = ERASED_SERVICE_TEXT
    erase_event_values([ticket.id for ticket in tickets], fields=("notes", "family_number"))
    _erase_requested_text_in_events(tickets, keys)
    return [ticket.id for ticket in tickets]


def _erase_requested_text_in_events(tickets, keys) -> None:
    events = db.session.execute(db.select(TicketEvent).where(
        TicketEvent.ticket_id.in_([ticket.id for ticket in tickets]))).scalars()
    for event in events:
        pair = (event.changes or {}).get("requested_service_text")
        if pair and any(names_person(value, keys) for value in pair if isinstance(value, str)):
            event.changes = dict(event.changes) | {"requested_service_text": [None, ERASED_SERVICE_TEXT]}


def anonymise_resident(resident: Resident, agent=None, reason: str = "request", *,
                       actor: Actor | None = None) -> Resident:
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
    record_change(resident, agent, "anonymised", {}, at=now)
    record("resident.anonymise", actor or Actor(agent), object_type="resident", object_id=resident.id,
           resident_id=resident.id, detail={"reason": reason, "tickets": ticket_count})
    db.session.flush()
    return resident
