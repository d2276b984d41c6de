"""What privacy asks of contacts when a resident is anonymised: erase who they are, from the record and
from its change history (which fields changed stays, not their values)."""

from app.contacts.models import Resident, ResidentChange
from app.extensions import db

# Identity and contact fields erased on the resident (arrondissement stays: a coarse statistic).
ERASED_RESIDENT_FIELDS = {
    "civility": None, "first_name": "", "last_name": "", "birth_date": None, "email": None, "phone": None,
    "phone_alt": None, "address": None, "postal_code": None, "city": None, "account_ref": None,
    "family_number": None, "needs": [], "consent_contact": False, "search_name": "",
}


def erase_identity(resident: Resident, at) -> None:
    """Blank the resident's identity and contact fields and the values of its change history; marks it
    anonymised at `at`. Flushed with the caller's transaction, not committed."""
    for field, value in ERASED_RESIDENT_FIELDS.items():
        setattr(resident, field, value)
    resident.anonymised_at = at
    changes = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident.id)).scalars()
    for change in changes:
        change.changes = {field: [None, None] for field in (change.changes or {})}
        change.note = None
