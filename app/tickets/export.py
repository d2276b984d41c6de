"""The ticket list's CSV for people: French headings, labels for codes, Paris time, oui/non.

`export_rows` (queries) yields the rows in EXPORT_COLUMNS order; `export_line` turns one into the cells
a manager reads in a spreadsheet. Codes stay in the API and the import files.
"""

from app.channels.labels import OWNER_TITLE, owner_label
from app.exports import safe_cell
from app.tickets.labels import FIELD_LABELS, code_label, paris_text

# The shape of `queries.export_rows`, and the French heading of each column.
EXPORT_COLUMNS = ("reference", "opened_at", "closed_at", "channel", "site", "device", "procedure", "owner",
                  "status", "outcome", "mode", "digital_choice", "payment_assisted", "protocol_confirmed",
                  "requested_procedure", "requested_service", "anonymous", "resident_id", "agent", "external_ref")
EXPORT_HEADINGS = (
    "Référence", FIELD_LABELS["opened_at"], FIELD_LABELS["closed_at"], FIELD_LABELS["channel_id"],
    FIELD_LABELS["site_id"], FIELD_LABELS["device_id"], FIELD_LABELS["procedure_id"], OWNER_TITLE,
    FIELD_LABELS["status"], FIELD_LABELS["outcome"], FIELD_LABELS["mode"], FIELD_LABELS["digital_choice"],
    FIELD_LABELS["payment_assisted"], FIELD_LABELS["protocol_confirmed"], FIELD_LABELS["requested_procedure_id"],
    FIELD_LABELS["requested_service_text"], FIELD_LABELS["anonymous"], "N° de fiche usager", FIELD_LABELS["agent_id"],
    FIELD_LABELS["external_ref"],
)
_CODED = ("status", "outcome", "mode", "digital_choice")
_YES_NO = ("payment_assisted", "protocol_confirmed", "anonymous")


def _cell(column: str, value):
    if column in ("opened_at", "closed_at"):
        return paris_text(value) if value else ""
    if column == "owner":
        return owner_label(value) if value else ""
    if column in _CODED:
        return code_label(column, value) if value else ""
    if column in _YES_NO:
        return "oui" if value else "non"
    return "" if value is None else value


def export_line(row) -> list:
    """One exported ticket as spreadsheet cells (formulas never executed)."""
    return [safe_cell(_cell(column, value)) for column, value in zip(EXPORT_COLUMNS, row, strict=True)]
