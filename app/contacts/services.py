"""Resident use cases: create, match. Every change is kept in `resident_changes`.

Creating and editing a resident are audited for `actor` (who and from where), by default `agent` with no
address (a command, a test): views pass the request's.
"""

import re
from datetime import date

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit.actor import Actor
from app.audit.services import record
from app.cards.detector import card_number_message, contains_card_number
from app.contacts.models import ACCESSIBILITY_NEEDS, Resident, ResidentChange
from app.contacts.normalise import (
    ContactValueError,
    looks_like_phone,
    name_key,
    normalise_email,
    normalise_phone,
)
from app.digits import is_ascii_number
from app.extensions import db
from app.timeutil import as_utc, utcnow

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
            if contains_card_number(value):
                raise ResidentError(field, card_number_message(FIELD_LABELS[field]))
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
    if "postal_code" in cleaned and "arrondissement" not in values:
        cleaned["arrondissement"] = paris_arrondissement(cleaned["postal_code"])
    if isinstance(cleaned.get("birth_date"), str):
        try:
            cleaned["birth_date"] = date.fromisoformat(cleaned["birth_date"]) if cleaned["birth_date"].strip() else None
        except ValueError as exc:
            raise ResidentError("birth_date", "Date de naissance : saisissez une date valide.") from exc
    if cleaned.get("birth_date") and not (date(1900, 1, 1) <= cleaned["birth_date"] <= date.today()):
        raise ResidentError("birth_date", "Date de naissance : une date entre 1900 et aujourd'hui.")
    return cleaned


def paris_arrondissement(postal_code: str | None) -> int | None:
    """75012 -> 12 (75116 -> 16); None outside Paris."""
    if postal_code and len(postal_code) == 5 and is_ascii_number(postal_code) and postal_code.startswith("75"):
        number = int(postal_code[2:])
        if number == 116:
            return 16
        if 1 <= number <= 20:
            return number
    return None


def _ref_taken(ref: str | None) -> ResidentError:
    return ResidentError("account_ref", f"La référence compte parisien {ref} appartient déjà à un usager.")


def record_change(resident: Resident, agent, action: str, changes: dict, note: str | None = None,
                  at=None) -> None:
    """Append an entry to the resident's change history (at `at`, by default now)."""
    db.session.add(ResidentChange(resident_id=resident.id, agent_id=agent.id if agent else None,
                                  at=at if at is not None else utcnow(), action=action, changes=changes, note=note))


_RESIDENTS = Resident.__table__
# Built once: a Core UPDATE of the table (no ORM bulk-update machinery for one column of one row).
_TOUCH = (update(_RESIDENTS).where(_RESIDENTS.c.id == bindparam("resident_id"),
                                   _RESIDENTS.c.last_contact_at.is_(None) | (_RESIDENTS.c.last_contact_at < bindparam("at")))
          .values(last_contact_at=bindparam("at")))


def touch_resident(resident_id: int | None, at) -> None:
    """Set the resident's last contact time (never moves it backwards; no version bump on the record)."""
    if resident_id is None:
        return
    db.session.execute(_TOUCH, {"resident_id": resident_id, "at": as_utc(at)})
    resident = db.session.identity_map.get(db.session.identity_key(Resident, resident_id))
    if resident is not None:
        db.session.expire(resident, ["last_contact_at"])


def create_resident(values: dict, agent=None, *, actor: Actor | None = None) -> Resident:
    """Create a resident: a name plus at least one contact detail or identifier is enough (audited).

    Raises ResidentError (with the field) on bad input or a compte parisien reference already taken.
    """
    cleaned = clean_resident_values(values)
    if not (cleaned.get("last_name") or cleaned.get("first_name")):
        raise ResidentError("last_name", "Indiquez au moins le nom ou le prénom.")
    ref = cleaned.get("account_ref")
    if ref and db.session.execute(db.select(Resident.id).where(Resident.account_ref == ref)).first():
        raise _ref_taken(ref)
    resident = Resident(**cleaned, created_by_id=agent.id if agent else None)
    resident.search_name = name_key(resident.last_name, resident.first_name)
    try:
        with db.session.begin_nested():  # the unique index decides when two agents create it at once
            db.session.add(resident)
            db.session.flush()
    except IntegrityError as exc:
        raise _ref_taken(ref) from exc
    record_change(resident, agent, "created",
                  {k: [None, _jsonable(v)] for k, v in cleaned.items() if v not in (None, "", [], False)})
    record("resident.create", actor or Actor(agent), object_type="resident", object_id=resident.id,
           resident_id=resident.id)
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


EDITABLE_FIELDS = ("civility", "first_name", "last_name", "birth_date", "email", "phone", "phone_alt", "address",
                   "postal_code", "city", "account_ref", "family_number", "preferred_language", "needs",
                   "consent_contact")
CONTACT_FIELDS = ("phone", "phone_alt", "email", "account_ref", "family_number", "address")


class StaleResidentError(Exception):
    """Someone else saved the resident since the form was opened; `changes` lists what they changed."""

    def __init__(self, resident: Resident, changes: list[ResidentChange]):
        super().__init__(f"resident {resident.id} changed meanwhile")
        self.resident = resident
        self.changes = changes


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def update_resident(resident: Resident, values: dict, agent, expected_version: int | None = None,
                    seen_change_id: int = 0, *, actor: Actor | None = None) -> dict:
    """Change the resident's fields; returns {field: [old, new]} of what changed (recorded in the history
    and audited, field names only).

    With `expected_version`, a resident saved by someone else since is refused with StaleResidentError,
    listing the changes made after `seen_change_id`.
    """
    if expected_version is not None and resident.version != expected_version:
        raise StaleResidentError(resident, _changes_after(resident, seen_change_id))
    cleaned = clean_resident_values({k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    if "arrondissement" in cleaned or "postal_code" in cleaned:
        cleaned["arrondissement"] = paris_arrondissement(cleaned.get("postal_code", resident.postal_code))
    ref = cleaned.get("account_ref")
    if ref and ref != resident.account_ref and db.session.execute(
            db.select(Resident.id).where(Resident.account_ref == ref, Resident.id != resident.id)).first():
        raise _ref_taken(ref)
    changes = {}
    for field, new in cleaned.items():
        old = getattr(resident, field)
        if (old or None) != (new or None) and not (field == "consent_contact" and bool(old) == bool(new)):
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(resident, field, new)
    if not (resident.last_name or resident.first_name):
        raise ResidentError("last_name", "Indiquez au moins le nom ou le prénom.")
    if not changes:
        return changes
    resident.search_name = name_key(resident.last_name, resident.first_name)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError as exc:
        raise StaleResidentError(resident, _changes_after(resident, seen_change_id)) from exc
    except IntegrityError as exc:  # the reference was taken by another agent since the check above
        raise _ref_taken(ref) from exc
    record_change(resident, agent, "updated", changes)
    record("resident.update", actor or Actor(agent), object_type="resident", object_id=resident.id,
           resident_id=resident.id, detail={"fields": sorted(changes)})
    return changes


def _changes_after(resident: Resident, seen_change_id: int) -> list[ResidentChange]:
    stmt = (db.select(ResidentChange).where(ResidentChange.resident_id == resident.id,
                                            ResidentChange.id > seen_change_id).order_by(ResidentChange.id))
    return list(db.session.execute(stmt).scalars())


def quick_create_resident(name: str | None = None, contact: str | None = None, agent=None, *,
                          actor: Actor | None = None, **values) -> Resident:
    """Create a resident from a name and one contact detail (phone, email or compte parisien reference).

    `name` is "Last First" as typed (the first word is taken as the last name) unless `last_name`/`first_name`
    are given; `contact` is recognised as an email (with @), a phone number, or else a reference.
    Raises ResidentError naming the field ("name", "contact" or a resident field).
    """
    if name is not None and not (values.get("last_name") or values.get("first_name")):
        words = name.split()
        if not words:
            raise ResidentError("name", "Indiquez le nom de l'usager.")
        values["last_name"], values["first_name"] = words[0], " ".join(words[1:])
    if contact is not None and contact.strip():
        contact = contact.strip()
        phone_like = looks_like_phone(contact) or re.fullmatch(r"[\d\s.+()\-]+", contact)
        field = "email" if "@" in contact else "phone" if phone_like else "account_ref"
        values.setdefault(field, contact)
    if not any(values.get(f) for f in CONTACT_FIELDS):
        raise ResidentError("contact", "Indiquez au moins un moyen de contact : téléphone, e-mail ou référence.")
    try:
        return create_resident(values, agent, actor=actor)
    except ResidentError as exc:
        if contact is not None and exc.field in ("email", "phone", "account_ref"):
            raise ResidentError("contact", exc.message) from exc
        if name is not None and exc.field in ("last_name", "first_name"):
            raise ResidentError("name", exc.message) from exc
        raise
