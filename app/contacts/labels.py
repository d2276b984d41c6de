"""How a resident's record reads to agents: values of its history as they are shown on the record, and what tells
namesakes apart in a list of results."""

from collections import Counter, defaultdict
from datetime import date, datetime

from app.contacts.forms import FIELD_TITLES, NEED_LABELS
from app.contacts.normalise import display_phone, name_key
from app.contacts.services import paris_arrondissement
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


def _traits(resident) -> list[str]:
    """What may tell a resident from a namesake, shortly: birth year, phone ending, reference, arrondissement."""
    traits = []
    if resident.birth_date:
        traits.append(f"né(e) en {resident.birth_date.year}")
    if resident.phone:
        traits.append(f"tél. …{resident.phone[-2:]}")
    if resident.account_ref:
        traits.append(f"compte {resident.account_ref}")
    arrondissement = paris_arrondissement(resident.postal_code)
    if arrondissement:
        traits.append(f"{arrondissement}{'er' if arrondissement == 1 else 'e'} arrondissement")
    elif resident.postal_code:
        traits.append(resident.postal_code)
    return traits


def namesake_hints(residents) -> dict[int, str]:
    """For residents listed under the same name, what tells each apart (issue 24: two « FOURNIER Linh · 75002 »
    must not read alike), by id; the record number when nothing else differs. Others are left out."""
    groups = defaultdict(list)
    for resident in residents:
        groups[(name_key(resident.last_name), name_key(resident.first_name))].append(resident)
    hints = {}
    for group in (g for g in groups.values() if len(g) > 1):
        traits = {r.id: _traits(r) for r in group}
        alike = Counter(tuple(t) for t in traits.values())
        for r in group:
            shown = traits[r.id] + ([f"fiche n° {r.id}"] if alike[tuple(traits[r.id])] > 1 else [])
            hints[r.id] = " · ".join(shown)
    return hints
