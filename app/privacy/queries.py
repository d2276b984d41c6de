"""Find residents for a privacy request."""

from sqlalchemy import func, or_

from app.contacts.models import Resident
from app.contacts.normalise import ContactValueError, name_key, normalise_phone
from app.digits import is_ascii_number
from app.extensions import db


def find_residents(text: str, limit: int = 50) -> list[Resident]:
    """Residents matching a number, an e-mail, a phone number or part of a name (merged records included)."""
    text = text.strip()
    clauses = []
    if is_ascii_number(text):
        clauses.append(Resident.id == int(text))
    if "@" in text:
        clauses.append(func.lower(Resident.email) == text.lower())
    try:
        phone = normalise_phone(text) if any(ch.isdigit() for ch in text) else None
    except ContactValueError:
        phone = None
    if phone:
        clauses += [Resident.phone == phone, Resident.phone_alt == phone]
    key = name_key(text)
    if key and not is_ascii_number(text):
        clauses.append(Resident.search_name.contains(key, autoescape=True))
    if not clauses:
        return []
    query = db.select(Resident).where(or_(*clauses)).order_by(Resident.last_name, Resident.id).limit(limit)
    return list(db.session.execute(query).scalars())
