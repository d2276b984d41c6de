"""How a resident's record reads to agents: values of its history as they are shown on the record."""

from datetime import date, datetime

from app.contacts.forms import FIELD_TITLES, NEED_LABELS
from app.contacts.normalise import display_phone
from app.timeutil import to_paris

HISTORY_ACTIONS = {"created": "Création", "updated": "Modification", "merged": "Fusion",
                   "anonymised": "Anonymisation"}
_PHONES = ("phone", "phone_alt")


def change_value(field: str, value) -> str:
    """A value of the record's history as the record shows it (national phone format, dates, oui/non)."""
    if value is None or value == "" or value == []:
        return ""
    if field in _PHONES:
        return display_phone(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if field == "needs" and isinstance(value, list):
        return ", ".join(NEED_LABELS.get(v, v) for v in value)
    if field == "birth_date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, datetime):
        return to_paris(value).strftime("%d/%m/%Y %H:%M")
    return str(value)


def field_title(field: str) -> str:
    return FIELD_TITLES.get(field, field)
