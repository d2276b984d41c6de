"""The right-of-access export as a person reads it: French labels, Paris time, « oui »/« non », lists in words.

The page is read to the resident or sent to them; the JSON download keeps the plain data (`export.py`).
Labels come from the domains' own vocabularies (`contacts.forms`/`contacts.labels`, `tickets.labels`,
`audit.labels`), never spelled again here.
"""

from datetime import date, datetime

from app.contacts.forms import FIELD_TITLES, LANGUAGES
from app.contacts.labels import HISTORY_ACTIONS, change_value
from app.tickets.labels import CODE_LABELS, FIELD_LABELS, change_lines, code_label, kind_label
from app.timeutil import to_paris

EMPTY = "—"
# Fields of the export the forms do not name (record bookkeeping).
RECORD_TITLES = {"id": "Numéro de fiche", "anonymised_at": "Anonymisée le", "last_contact_at": "Dernier contact le",
                 "created_at": "Créée le", "updated_at": "Modifiée le"}
TICKET_TITLES = {"reference": "Référence", "channel": "Canal", "site": "Site", "device": "Dispositif",
                 "procedure": "Démarche", "requested_procedure": FIELD_LABELS["requested_procedure_id"],
                 "agent": "Agent"}
_LANGUAGE_LABELS = {choice.value: choice.label for choice in LANGUAGES}


def paris_instant(value) -> str:
    """An ISO instant of the export ('2026-12-01T09:30:00+00:00') as Paris time, dd/mm/yyyy à hh:mm."""
    if value in (None, ""):
        return EMPTY
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return to_paris(moment).strftime("%d/%m/%Y à %H:%M")


def _is_instant(text) -> bool:
    return isinstance(text, str) and len(text) > 10 and text[4:5] == "-" and text[10:11] == "T"


def words(field: str, value) -> str:
    """One value of the export in words: labels for codes, Paris time, oui/non, lists joined, « — » for nothing."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field == "preferred_language":
        return _LANGUAGE_LABELS.get(value, value)
    if field in CODE_LABELS:
        return code_label(field, value)
    if _is_instant(value):
        return paris_instant(value)
    if isinstance(value, list):
        return change_value(field, value) if field == "needs" else ", ".join(str(v) for v in value)
    if isinstance(value, str) and field.endswith("_date"):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return change_value(field, value) or EMPTY


def _pairs(fields: dict, titles: dict) -> list[tuple[str, str]]:
    return [(titles.get(field) or FIELD_TITLES.get(field) or FIELD_LABELS.get(field, field), words(field, value))
            for field, value in fields.items()]


def _record(data: dict) -> dict:
    return {"identity": _pairs(data["resident"], RECORD_TITLES), "contact": _pairs(data["contact"], RECORD_TITLES)}


def _change(change: dict) -> dict:
    parts = [f"{FIELD_TITLES.get(field, field)} : {words(field, before)} → {words(field, after)}"
             for field, (before, after) in (change.get("changes") or {}).items()]
    return {"at": paris_instant(change["at"]), "action": HISTORY_ACTIONS.get(change["action"], change["action"]),
            "changes": " · ".join(parts) or EMPTY, "note": change.get("note")}


def _ticket(ticket: dict) -> dict:
    fields = {k: v for k, v in ticket.items() if k != "events"}
    events = [{"at": paris_instant(e["at"]), "kind": kind_label(e["kind"]), "agent": e["agent"],
               "changes": " · ".join(f"{label} : {before} → {after}"
                                     for label, before, after in change_lines(e.get("changes") or {}))}
              for e in ticket.get("events", [])]
    return {"reference": ticket["reference"], "facts": _pairs(fields, TICKET_TITLES), "events": events}


def readable_export(data: dict) -> dict:
    """The export of `export.build_resident_export` as sections of (label, text) pairs and rows in words."""
    return {
        **_record(data),
        "merged_records": [{"id": m["resident"]["id"], **_record(m)} for m in data["merged_records"]],
        "changes": [_change(c) for c in data["changes"]],
        "tickets": [_ticket(t) for t in data["tickets"]],
        "audit": [{"at": paris_instant(a["at"]), "label": a["label"], "agent": a["agent_login"] or "",
                   "ip": a["ip"] or ""} for a in data["audit"]],
    }
