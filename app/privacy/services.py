"""Anonymisation: erase who a resident is, keep their tickets for statistics with no way back to them."""

from app.audit.actor import Actor
from app.audit.services import record
from app.contacts.anonymise import erase_identity
from app.contacts.models import Resident
from app.contacts.normalise import name_key
from app.contacts.queries import records_merged_into
from app.contacts.services import record_change
from app.extensions import db
from app.tickets.privacy import anonymise_tickets_of
from app.timeutil import utcnow


class AnonymisationError(ValueError):
    """The resident cannot be anonymised (already done, or merged into another record)."""


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
    """Erase one record (contacts) and its tickets' free text (tickets); returns the ticket ids."""
    keys = _identity_keys(resident)
    erase_identity(resident, now)
    return anonymise_tickets_of(resident.id, lambda text: names_person(text, keys))


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
    for row in [resident, *records_merged_into(resident.id)]:
        ticket_count += len(_anonymise_one(row, now))
    record_change(resident, agent, "anonymised", {}, at=now)
    record("resident.anonymise", actor or Actor(agent), object_type="resident", object_id=resident.id,
           resident_id=resident.id, detail={"reason": reason, "tickets": ticket_count})
    db.session.flush()
    return resident
