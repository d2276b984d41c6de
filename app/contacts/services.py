"""Resident use cases: create, match. Every change is kept in `resident_changes`."""

from app.contacts.models import ACCESSIBILITY_NEEDS, Resident, ResidentChange
from app.contacts.normalise import ContactValueError, name_key, normalise_email, normalise_phone
from app.extensions import db

ResidentError = ContactValueError  # a rule about residents was broken; `.field` names the field

NAME_MAX = 120
TEXT_LIMITS = {"first_name": NAME_MAX, "last_name": NAME_MAX, "address": 300, "city": 120, "postal_code": 10,
               "account_ref": 40, "family_number": 40, "civility": 10, "preferred_language": 10}
FIELD_LABELS = {"first_name": "Prénom", "last_name": "Nom", "address": "Adresse", "city": "Ville",
                "postal_code": "Code postal", "account_ref": "Référence compte parisien",
                "family_number": "Numéro de famille Facil'Familles", "civility": "Civilité",
                "preferred_language": "Langue"}


def clean_resident_values(values: dict) -> dict:
    """Validate and normalise resident fields; raises ResidentError naming the first bad field."""
    cleaned = dict(values)
    for field, limit in TEXT_LIMITS.items():
        if field in cleaned:
            value = (cleaned[field] or "").strip() or None
            if value and len(value) > limit:
                raise ResidentError(field, f"{FIELD_LABELS[field]} : {limit} caractères au plus.")
            cleaned[field] = value
    for field in ("phone", "phone_alt"):
        if field in cleaned:
            cleaned[field] = normalise_phone(cleaned[field], field=field)
    if "email" in cleaned:
        cleaned["email"] = normalise_email(cleaned["email"])
    if "needs" in cleaned:
        unknown = set(cleaned["needs"] or []) - set(ACCESSIBILITY_NEEDS)
        if unknown:
            raise ResidentError("needs", f"Besoin d'accessibilité inconnu : {', '.join(sorted(unknown))}.")
        cleaned["needs"] = sorted(cleaned["needs"] or [])
    postal = cleaned.get("postal_code")
    if postal and postal.startswith("750") and len(postal) == 5 and postal[3:].isdigit():
        arrondissement = int(postal[3:])
        if 1 <= arrondissement <= 20:
            cleaned.setdefault("arrondissement", arrondissement)
    return cleaned


def record_change(resident: Resident, agent, action: str, changes: dict, note: str | None = None) -> None:
    """Append an entry to the resident's change history."""
    db.session.add(ResidentChange(resident_id=resident.id, agent_id=agent.id if agent else None,
                                  action=action, changes=changes, note=note))


def create_resident(values: dict, agent=None) -> Resident:
    """Create a resident: a name plus at least one contact detail or identifier is enough.

    Raises ResidentError (with the field) on bad input or a compte parisien reference already taken.
    """
    cleaned = clean_resident_values(values)
    if not (cleaned.get("last_name") or cleaned.get("first_name")):
        raise ResidentError("last_name", "Indiquez au moins le nom ou le prénom.")
    ref = cleaned.get("account_ref")
    if ref and db.session.execute(db.select(Resident.id).where(Resident.account_ref == ref)).first():
        raise ResidentError("account_ref", f"La référence compte parisien {ref} appartient déjà à un usager.")
    resident = Resident(**cleaned, created_by_id=agent.id if agent else None)
    resident.search_name = name_key(resident.last_name, resident.first_name)
    db.session.add(resident)
    db.session.flush()
    record_change(resident, agent, "created",
                  {k: [None, v] for k, v in cleaned.items() if v not in (None, "", [], False)})
    return resident


def match_resident(account_ref: str | None = None, email: str | None = None,
                   phone: str | None = None) -> Resident | None:
    """The live resident with this compte parisien reference, else this email, else this phone (normalised)."""
    live = Resident.merged_into_id.is_(None) & Resident.anonymised_at.is_(None)
    if account_ref:
        found = db.session.execute(db.select(Resident).where(live, Resident.account_ref == account_ref.strip())
                                   ).scalars().first()
        if found:
            return found
    if email:
        found = db.session.execute(db.select(Resident).where(live, Resident.email == normalise_email(email))
                                   .order_by(Resident.id)).scalars().first()
        if found:
            return found
    if phone:
        number = normalise_phone(phone)
        found = db.session.execute(
            db.select(Resident).where(live, (Resident.phone == number) | (Resident.phone_alt == number))
            .order_by(Resident.id)).scalars().first()
        if found:
            return found
    return None
