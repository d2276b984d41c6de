"""Merging two records of the same resident: nothing is silently dropped.

The survivor takes, field by field, the value the agent chose; the other's tickets, history and
identifiers move to it; values not kept are written into the merge entry of the history; the
other record stays as a pointer (`merged_into_id`) so old links still lead to the survivor.
"""

from datetime import date

from app.audit.actor import Actor
from app.audit.services import record
from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import display_phone
from app.contacts.services import ResidentError, name_key, record_change
from app.extensions import db
from app.tickets.reassign import reassign_tickets
from app.timeutil import as_utc

MERGE_FIELDS = ("civility", "last_name", "first_name", "birth_date", "email", "phone", "phone_alt", "address",
                "postal_code", "city", "account_ref", "family_number", "preferred_language",
                "consent_contact")
MERGE_LABELS = {"civility": "Civilité", "last_name": "Nom", "first_name": "Prénom", "birth_date": "Date de naissance",
                "email": "E-mail", "phone": "Téléphone", "phone_alt": "Autre téléphone", "address": "Adresse",
                "postal_code": "Code postal", "city": "Ville", "arrondissement": "Arrondissement",
                "account_ref": "Référence compte parisien", "family_number": "Numéro de famille",
                "preferred_language": "Langue", "consent_contact": "Accepte d'être contacté"}
PHONES = ("phone", "phone_alt")


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _show(field: str, value) -> str:
    if field in PHONES:
        return display_phone(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def default_choices(survivor: Resident, other: Resident) -> dict[str, str]:
    """Keep the survivor's value unless it is empty and the other's is not."""
    return {f: "other" if _empty(getattr(survivor, f)) and not _empty(getattr(other, f)) else "survivor"
            for f in MERGE_FIELDS}


def _leftovers(survivor, other, choices, kept) -> list[tuple[str, object, int]]:
    """Values not kept by the choices: (field, value, id of the record it came from)."""
    left = []
    for field in MERGE_FIELDS:
        loser = survivor if choices[field] == "other" else other
        value = getattr(loser, field)
        if not _empty(value) and not isinstance(value, bool) and value != kept[field]:
            left.append((field, value, loser.id))
    return left


def _keep_phones(kept: dict, leftovers: list) -> list:
    """Put a phone number not chosen into the free second phone; drop numbers already kept."""
    remaining = []
    for field, value, origin in leftovers:
        if field in PHONES:
            if value in (kept["phone"], kept["phone_alt"]):
                continue
            if _empty(kept["phone_alt"]):
                kept["phone_alt"] = value
                continue
        remaining.append((field, value, origin))
    return remaining


def lock_pair(survivor: Resident, other: Resident) -> None:
    """Lock both records, lower id first (every merge takes them in the same order: no deadlock), and reload
    them: a merge that waited for another sees what that one committed (e.g. the opposite merge)."""
    db.session.execute(db.select(Resident).where(Resident.id.in_((survivor.id, other.id)))
                       .order_by(Resident.id).with_for_update().execution_options(populate_existing=True)).all()


def merge_residents(survivor: Resident, other: Resident, choices: dict, agent, *, actor: Actor | None = None) -> dict:
    """Merge `other` into `survivor`, keeping for each field the record chosen ("survivor" or "other").
    Audited for `actor` (who and from where), by default `agent` with no address.

    Returns {"changes": {field: [old, new]}, "tickets": [moved ticket ids], "not_kept": [(field, value, id)]}.
    Raises ResidentError when the two cannot be merged.
    """
    if survivor.id == other.id:
        raise ResidentError("merge", "Une fiche ne peut pas être fusionnée avec elle-même.")
    lock_pair(survivor, other)
    for resident in (survivor, other):
        if resident.merged_into_id is not None or resident.anonymised_at is not None:
            raise ResidentError("merge", f"La fiche n°{resident.id} est déjà fusionnée ou anonymisée "
                                         "(peut-être à l'instant par un autre agent) : rien n'a été modifié.")
    choices = {**default_choices(survivor, other),
               **{f: c for f, c in (choices or {}).items() if f in MERGE_FIELDS and c in ("survivor", "other")}}
    kept = {f: getattr(other if choices[f] == "other" else survivor, f) for f in MERGE_FIELDS}
    not_kept = _keep_phones(kept, _leftovers(survivor, other, choices, kept))
    kept["arrondissement"] = (other if choices["postal_code"] == "other" else survivor).arrondissement
    kept["needs"] = sorted(set(survivor.needs or []) | set(other.needs or []))
    other_changes = {"merged_into_id": [None, survivor.id]}
    if kept["account_ref"] is not None and kept["account_ref"] == other.account_ref:
        other_changes["account_ref"] = [other.account_ref, None]
        other.account_ref = None  # the reference is unique: free it before the survivor takes it
        db.session.flush()
    changes = {}
    for field, value in kept.items():
        if getattr(survivor, field) != value:
            changes[field] = [_jsonable(getattr(survivor, field)), _jsonable(value)]
            setattr(survivor, field, value)
    survivor.search_name = name_key(survivor.last_name, survivor.first_name)
    contacts = [c for c in (survivor.last_contact_at, other.last_contact_at) if c is not None]
    survivor.last_contact_at = max(contacts, key=as_utc) if contacts else None
    ticket_ids = reassign_tickets(other.id, survivor.id, agent)
    for change in db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == other.id)
                                     ).scalars():
        change.resident_id = survivor.id
    for pointer in db.session.execute(db.select(Resident).where(Resident.merged_into_id == other.id)).scalars():
        pointer.merged_into_id = survivor.id
    other.merged_into_id = survivor.id
    db.session.flush()
    note = f"Fiche n°{other.id} fusionnée dans cette fiche ; {len(ticket_ids)} ticket(s) rattaché(s)."
    if not_kept:
        note += " Valeurs non retenues : " + " ; ".join(
            f"{MERGE_LABELS[f]} : {_show(f, v)} (fiche n°{origin})" for f, v, origin in not_kept) + "."
    record_change(survivor, agent, "merged", changes, note=note)
    record_change(other, agent, "merged", other_changes,
                  note=f"Fusionnée dans la fiche n°{survivor.id}.")
    record("resident.merge", actor or Actor(agent), object_type="resident", object_id=survivor.id, resident_id=survivor.id,
           detail={"merged_id": other.id, "tickets": ticket_ids, "choices": choices,
                   # field names and record ids only: the values are in the history, which anonymisation erases
                   "not_kept": [[f, origin] for f, _v, origin in not_kept]})
    return {"changes": changes, "tickets": ticket_ids, "not_kept": not_kept}
