"""CSV and XLSX exports of a run, as a manager opens them in a French spreadsheet; formulas never executed.

Both read the tables through `present.for_people` (labels, not codes; weeks as dates). The XLSX has a
"Synthèse" sheet with every report's figures, then one sheet per table (written by `app.files.xlsxtable`, the
writer of every export): French names, a frozen and styled header row, columns sized to their content,
shares as percentages, numbers and dates formatted.
The CSV is what French Excel opens directly: semicolons, UTF-8 with a BOM, decimal commas, shares as
"20,0 %", dates as dd/mm/yyyy.
"""

import csv
import io
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from app.files.exports import safe_cell
from app.files.xlsxtable import (
    ANY,
    DATE,
    DECIMAL,
    INSTANT,
    INTEGER,
    PERCENT,
    TEXT,
    YES_NO,
    Column,
    Formats,
    TableWriter,
    display_length,
    print_setup,
    write_any_cell,
)
from app.reports.labels import heading, sheet_name, summary_label, table_label
from app.reports.present import for_people
from app.reports.tables import is_share

SUMMARY_SHEET = "Synthèse"
MAX_WIDTH, MIN_WIDTH = 60, 8  # the summary sheet's columns (tables: app.files.xlsxtable)
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def export_filename(run) -> str:
    params = run.params
    return f"relais-{run.name}-{params['from']}-{params['to']}-run{run.id}"


def _plain(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _period(params, names: dict | None = None) -> str:
    names = names or {}
    text = f"Période du {params.start:%d/%m/%Y} au {params.end:%d/%m/%Y}"
    if params.sites:
        text += " ; sites : " + ", ".join(names.get("site", {}).get(s, s) for s in params.sites)
    if params.channels:
        text += " ; canaux : " + ", ".join(names.get("channel", {}).get(c, c) for c in params.channels)
    return text


def _people(computed, params, names):
    """(report, output, tables for people) for each computed report."""
    for report, output in computed:
        yield report, output, for_people(output["tables"], names or {}, params.start, params.end)


def csv_text(column: str, value) -> str:
    """A cell as French Excel reads it: decimal comma, shares as "20,0 %", dates dd/mm/yyyy."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and is_share(column):
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if abs(value) < 1e15 else str(value)
    return safe_cell(value) if isinstance(value, str) else str(value)


def build_csv(computed, params, names: dict | None = None) -> bytes:
    """One CSV (semicolon, UTF-8 with BOM): a titled block per summary and table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(_period(params, names))])
    for report, output, tables in _people(computed, params, names):
        writer.writerow([])
        writer.writerow([safe_cell(f"{report.title} — Synthèse")])
        writer.writerow(["Indicateur", "Valeur"])
        writer.writerows([[summary_label(k), csv_text(k, v)] for k, v in output["summary"].items()])
        for name, frame in tables.items():
            writer.writerow([])
            writer.writerow([safe_cell(f"{report.title} — {table_label(name)}")])
            writer.writerow([safe_cell(heading(c)) for c in frame.columns])
            for row in frame.itertuples(index=False):
                writer.writerow([csv_text(c, v) for c, v in zip(frame.columns, row, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _value_kind(value) -> str:
    if isinstance(value, bool):
        return YES_NO
    if isinstance(value, datetime):
        return INSTANT if value.tzinfo is not None else ANY  # a naive date-time is written as it is
    if isinstance(value, date):
        return DATE
    if isinstance(value, float):
        return DECIMAL
    if isinstance(value, int):
        return INTEGER
    return TEXT if isinstance(value, str) else ANY


def _column_kind(column: str, values) -> str:
    """The kind of a table's column, from its values: one type throughout, or ANY (each cell by its value)."""
    kinds = {_value_kind(v) for v in values if v is not None}
    kind = kinds.pop() if len(kinds) == 1 else ANY
    return PERCENT if kind == DECIMAL and is_share(column) else kind


def _write_table(sheet, top: int, columns: list[str], headings: list[str], rows: list, formats: Formats) -> None:
    """A header row (styled, frozen, with a filter) at `top`, then the rows; columns sized to their content."""
    kinds = [_column_kind(column, [r[col] for r in rows]) for col, column in enumerate(columns)]
    table = TableWriter(sheet, top, [Column(text, kind, share=is_share(column))
                                     for column, text, kind in zip(columns, headings, kinds, strict=True)], formats)
    table.write(rows)
    table.close()


def _unique_sheet_name(text: str, taken: set[str]) -> str:
    base = text.translate(_SHEET_FORBIDDEN).strip("'")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def build_xlsx(computed, params, names: dict | None = None) -> bytes:
    """One workbook: "Synthèse" (every report's figures), then a sheet per table of each report."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    formats = Formats(workbook)
    taken = {SUMMARY_SHEET.lower()}
    summary = workbook.add_worksheet(SUMMARY_SHEET)
    summary.write_string(0, 0, "Tableaux de bord Relais", formats.title)
    summary.write_string(1, 0, str(safe_cell(_period(params, names))), formats.note)
    people = list(_people(computed, params, names))
    _write_summary(summary, 3, [(report.title, output["summary"]) for report, output, _t in people], formats)
    for report, _output, tables in people:
        for name, frame in tables.items():
            sheet = workbook.add_worksheet(_unique_sheet_name(sheet_name(report.name, name), taken))
            sheet.write_string(0, 0, str(safe_cell(f"{report.title} — {table_label(name)}")), formats.title)
            sheet.write_string(1, 0, str(safe_cell(_period(params, names))), formats.note)
            rows = [[_plain(v) for v in r] for r in frame.astype(object).where(frame.notna(), None)
                    .itertuples(index=False)]
            if not rows:
                sheet.write_string(4, 0, "Aucune donnée sur la période.")
            _write_table(sheet, 3, [str(c) for c in frame.columns], [heading(str(c)) for c in frame.columns],
                         rows, formats)
    workbook.close()
    return buffer.getvalue()


def _write_summary(sheet, top: int, blocks: list[tuple[str, dict]], formats: Formats) -> None:
    """The summary sheet: under each report's title, its figures, formatted by kind (share, count, minutes)."""
    sheet.write_string(top, 0, "Indicateur", formats.header)
    sheet.write_string(top, 1, "Valeur", formats.header)
    row, labels, values = top + 1, [], []
    for title, figures in blocks:
        sheet.write_string(row, 0, title, formats.section)
        labels.append(title)
        row += 1
        for key, value in figures.items():
            sheet.write_string(row, 0, summary_label(key))
            value = _plain(value)
            write_any_cell(sheet, row, 1, value, formats, share=is_share(key))
            labels.append(summary_label(key))
            values.append(display_length(PERCENT if is_share(key) else ANY, value))
            row += 1
    sheet.set_column(0, 0, min(MAX_WIDTH, max(len(t) for t in labels + ["Indicateur"]) + 2))
    sheet.set_column(1, 1, max(MIN_WIDTH, max(values + [6]) + 2))
    sheet.freeze_panes(top + 1, 0)
    print_setup(sheet, top)


def frame_csv(frame: pd.DataFrame) -> str:
    """A single table as plain CSV (comma) for standard output, formulas escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).values.tolist():
        writer.writerow(["" if v is None else safe_cell(_plain(v)) for v in row])
    return buffer.getvalue()
