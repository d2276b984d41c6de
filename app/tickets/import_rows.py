"""Reading one line of a ticket import: parse each column, then match or plan its resident."""

from dataclasses import dataclass, field
from functools import lru_cache

from app.auth.models import Agent
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.contacts.normalise import ContactValueError, normalise_email, normalise_phone
from app.extensions import db
from app.files.csvfiles import parse_yes_no
from app.timeutil import parse_paris

REQUIRED = ("opened_at", "channel", "site", "procedure")
OPTIONAL = ("resident_name", "external_ref", "closed_at", "device", "resident_email", "resident_phone",
            "resident_account_ref", "family_number", "agent", "status", "outcome", "mode", "digital_choice",
            "payment_assisted", "protocol_confirmed", "requested_service", "notes", "anonymous")
COLUMNS = REQUIRED + OPTIONAL
CHUNK = 500


@dataclass
class ParsedRow:
    """A line of the file: raw cells, the ticket values parsed from them, and its problems."""

    line: int
    record: dict
    card_found: bool = False
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (column or ticket attribute, message)
    person: dict = field(default_factory=dict)  # resident identifiers from the line
    channel: Channel | None = None
    site: Site | None = None
    device: Device | None = None
    procedure: Procedure | None = None
    new_resident: dict | None = None


def load_lookups() -> dict:
    """Every code the file may name (active or not: history may use retired entries), and agent logins."""
    lookups = {name: {row.code: row for row in db.session.execute(db.select(model)).scalars()}
               for name, model in (("channel", Channel), ("site", Site), ("device", Device),
                                   ("procedure", Procedure))}
    lookups["agent"] = dict(db.session.execute(db.select(Agent.login, Agent.id)).all())
    return lookups


def split_name(full: str) -> tuple[str, str]:
    """'Dupont, Marie' / 'DUPONT Marie' / 'Marie Dupont' -> ('Marie', 'Dupont')."""
    if "," in full:
        last, first = (p.strip() for p in full.split(",", 1))
        return first, last
    words = full.split()
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if upper and len(upper) < len(words):
        return " ".join(w for w in words if w not in upper), " ".join(upper).title()
    if len(words) <= 1:
        return "", "".join(words)
    return words[0], " ".join(words[1:])


def _flag(row: ParsedRow, column: str) -> bool:
    try:
        return parse_yes_no(row.record.get(column, ""))
    except ValueError as exc:
        row.problems.append((column, f"{exc}."))
        return False


def _code(row: ParsedRow, column: str, lookups: dict, required: bool):
    raw = row.record.get(column, "")
    if not raw:
        if required:
            row.problems.append((column, "valeur obligatoire."))
        return None
    found = lookups[column].get(raw) or lookups[column].get(raw.lower())
    if found is None:
        row.problems.append((column, f"code inconnu « {raw[:40]} »."))
    return found


def _instant(row: ParsedRow, column: str, required: bool):
    raw = row.record.get(column, "")
    if not raw:
        if required:
            row.problems.append((column, "valeur obligatoire."))
        return None
    try:
        return parse_paris(raw.replace(" ", "T", 1) if len(raw) > 10 else raw)
    except ValueError:
        row.problems.append((column, f"« {raw[:30]} » n'est pas une date (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM, "
                                     "heure de Paris sans décalage)."))
        return None


@lru_cache(maxsize=65536)
def _email(raw: str | None) -> str | None:  # files repeat the same residents: normalise each value once
    return normalise_email(raw, field="resident_email")


@lru_cache(maxsize=65536)
def _phone(raw: str | None) -> str | None:
    return normalise_phone(raw, field="resident_phone")


def parse_row(row: ParsedRow, lookups: dict) -> None:
    """Fill `row.values` (ticket attributes) and `row.person`; record each bad column in `row.problems`."""
    rec, values = row.record, row.values
    row.channel = _code(row, "channel", lookups, True)
    row.site = _code(row, "site", lookups, True)
    row.device = _code(row, "device", lookups, False)
    row.procedure = _code(row, "procedure", lookups, True)
    values.update(channel_id=getattr(row.channel, "id", None), site_id=getattr(row.site, "id", None),
                  device_id=getattr(row.device, "id", None), procedure_id=getattr(row.procedure, "id", None),
                  opened_at=_instant(row, "opened_at", True), closed_at=_instant(row, "closed_at", False),
                  anonymous=_flag(row, "anonymous"), payment_assisted=_flag(row, "payment_assisted"),
                  protocol_confirmed=_flag(row, "protocol_confirmed"),
                  status=(rec.get("status") or "closed").lower(), external_ref=rec.get("external_ref") or None,
                  family_number=rec.get("family_number") or None, notes=rec.get("notes") or None)
    for column in ("outcome", "mode", "digital_choice"):
        values[column] = rec.get(column, "").lower() or None
    login = rec.get("agent", "")
    values["agent_id"] = lookups["agent"].get(login) if login else None
    if login and values["agent_id"] is None:
        row.problems.append(("agent", f"agent inconnu « {login[:40]} »."))
    if values["protocol_confirmed"] and values["payment_assisted"]:
        values["protocol_confirmed_by_id"] = values["agent_id"]
    else:
        values["protocol_confirmed"] = False
    wanted = rec.get("requested_service", "")
    requested = lookups["procedure"].get(wanted) if wanted else None
    values["requested_procedure_id"] = requested.id if requested else None
    values["requested_service_text"] = wanted if wanted and requested is None else None
    name = rec.get("resident_name", "")
    if values["anonymous"]:
        if name or rec.get("resident_email") or rec.get("resident_phone") or rec.get("resident_account_ref"):
            row.problems.append(("anonymous", "un appel anonyme ne peut pas avoir de nom ni de coordonnées."))
        return
    if not name:
        row.problems.append(("resident_name", "valeur obligatoire (sauf si anonymous vaut yes)."))
    first, last = split_name(name)
    row.person = {"first_name": first[:120], "last_name": last[:120],
                  "account_ref": rec.get("resident_account_ref") or None, "family_number": values["family_number"]}
    try:
        row.person["email"] = _email(rec.get("resident_email") or None)
        row.person["phone"] = _phone(rec.get("resident_phone") or None)
    except ContactValueError as exc:
        row.problems.append((exc.field, exc.message))


def _load(column, values: set) -> list[Resident]:
    found, values = [], sorted(v for v in values if v)
    for start in range(0, len(values), CHUNK):
        found += db.session.execute(db.select(Resident).where(column.in_(values[start:start + CHUNK]))
                                    .order_by(Resident.id)).scalars().all()
    return found


def resolve_residents(rows: list[ParsedRow], lookups: dict) -> list[dict]:
    """Match each line's resident by account ref, then email, then phone; plan the others' creation.

    Lines of the same new person (same ref, email or phone) share one new resident. Returns the new
    residents to create (dicts); lines get `values['resident_id']` or `new_resident`.
    """
    people = [row for row in rows if row.person and not row.problems]
    by_ref = {r.account_ref: r for r in _load(Resident.account_ref, {p.person["account_ref"] for p in people})}
    live = [r for r in _load(Resident.email, {p.person["email"] for p in people})
            + _load(Resident.phone, {p.person["phone"] for p in people})
            + _load(Resident.phone_alt, {p.person["phone"] for p in people})
            if r.merged_into_id is None and r.anonymised_at is None]
    by_email, by_phone = {}, {}
    for resident in sorted(live, key=lambda r: r.id):
        for index, key in ((by_email, resident.email), (by_phone, resident.phone), (by_phone, resident.phone_alt)):
            if key:
                index.setdefault(key, resident)
    planned: dict[tuple[str, str], dict] = {}
    created: list[dict] = []
    for row in people:
        person = row.person
        resident = by_ref.get(person["account_ref"]) if person["account_ref"] else None
        if resident is not None and (resident.merged_into_id or resident.anonymised_at):
            row.problems.append(("resident_account_ref", "cette référence appartient à un usager fusionné ou "
                                                         "anonymisé : utilisez celle de la fiche active."))
            continue
        resident = (resident or (person["email"] and by_email.get(person["email"]))
                    or (person["phone"] and by_phone.get(person["phone"])) or None)
        if resident is not None:
            row.values["resident_id"] = resident.id
            if not row.values["family_number"] and row.channel and row.channel.requires_family_number:
                row.values["family_number"] = resident.family_number
            continue
        keys = [(k, person[k]) for k in ("account_ref", "email", "phone") if person[k]]
        new = next((planned[k] for k in keys if k in planned), None)
        if new is None:
            new = {k: v for k, v in person.items() if v}
            created.append(new)
        for key in keys:
            planned.setdefault(key, new)
        row.new_resident = new
    return created
