"""The ticket list's CSV and XLSX for people: French headings, labels for codes, Paris time, oui/non.

`export_rows` (queries) yields the rows in EXPORT_COLUMNS order; `export_line` turns one into the cells
a manager reads in a spreadsheet, `csv_chunks` streams them as CSV for French Excel. `XLSX_COLUMNS`
says the same columns as typed XLSX columns (`app.files.xlsxtable`): instants as Paris dates, the resident's
number as a number, the same labels and oui/non. Codes stay in the API and the import files.
"""

import csv
import io

from app.channels.labels import OWNER_LABELS, OWNER_TITLE, owner_label
from app.files.exports import safe_cell
from app.files.xlsxtable import IDENTIFIER, INSTANT, TEXT, YES_NO, Column, Vocabulary
from app.tickets.labels import CODE_LABELS, FIELD_LABELS, code_label, paris_text

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


def csv_chunks(rows):
    """The rows as a CSV for French Excel (UTF-8 with BOM, semicolons): the heading, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(EXPORT_HEADINGS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(export_line(row))
        yield buffer.getvalue()


def _vocabulary(column: str) -> Vocabulary:
    """The labels of a coded column, as `_cell` gives them (an empty code is an empty cell)."""
    if column == "owner":
        return Vocabulary({"": "", **{code: owner_label(code) for code in OWNER_LABELS}}, owner_label)
    codes = (*CODE_LABELS[column], "none")
    return Vocabulary({"": "", **{code: code_label(column, code) for code in codes}},
                      lambda code: code_label(column, code))


_XLSX_KINDS = {"opened_at": INSTANT, "closed_at": INSTANT, "resident_id": IDENTIFIER,
               **dict.fromkeys(_YES_NO, YES_NO)}
XLSX_COLUMNS = tuple(
    Column(heading, _XLSX_KINDS.get(column, TEXT), _vocabulary(column) if column in (*_CODED, "owner") else None)
    for column, heading in zip(EXPORT_COLUMNS, EXPORT_HEADINGS, strict=True))
