"""Likely duplicates of a resident about to be created (or edited)."""

from datetime import date

from app.contacts.models import Resident
from app.contacts.normalise import ContactValueError, name_key, normalise_email, normalise_phone
from app.contacts.queries import FOUND_COLUMNS, FoundResident, SearchQueryError, live_clause
from app.contacts.search import search_residents
from app.extensions import db

NAME_CANDIDATES = 50


def _quietly(normalise, raw):
    try:
        return normalise(raw)
    except ContactValueError:
        return None


def _as_date(value) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def find_likely_duplicates(values: dict, exclude_id: int | None = None) -> list[FoundResident]:
    """Live residents that are probably the same person as `values` (raw form values are fine).

    Same phone (either number), email, compte parisien reference or family number; or a close name
    with the same birth date or postal code. Identifier matches come first.
    """
    phones = {_quietly(normalise_phone, values.get(f)) for f in ("phone", "phone_alt")} - {None}
    email = _quietly(normalise_email, values.get("email"))
    conditions = []
    if phones:
        conditions += [Resident.phone.in_(phones), Resident.phone_alt.in_(phones)]
    if email:
        conditions.append(Resident.email == email)
    for field in ("account_ref", "family_number"):
        if (values.get(field) or "").strip():
            conditions.append(getattr(Resident, field) == values[field].strip())
    found: list[FoundResident] = []
    if conditions:
        stmt = (db.select(*(getattr(Resident, name) for name in FOUND_COLUMNS))
                .where(live_clause(), db.or_(*conditions)).order_by(Resident.id).limit(NAME_CANDIDATES))
        found = [FoundResident(*row) for row in db.session.execute(stmt)]
    key = name_key(values.get("last_name"), values.get("first_name"))
    birth_date, postal_code = _as_date(values.get("birth_date")), (values.get("postal_code") or "").strip()
    if key and (birth_date or postal_code):
        try:
            named = search_residents(key, limit=NAME_CANDIDATES)
        except SearchQueryError:
            named = []
        found += [r for r in named if (birth_date and r.birth_date == birth_date)
                  or (postal_code and r.postal_code == postal_code)]
    unique = {}
    for resident in found:
        if resident.id != exclude_id:
            unique.setdefault(resident.id, resident)
    return list(unique.values())
