"""CSV and XLSX exports of a run: the same tables as the page, formulas never executed."""

import csv
import io

import pandas as pd
import xlsxwriter

from app.exports import safe_cell
from app.reports.tables import SUMMARY_LABELS, TABLE_LABELS, heading


def export_filename(run) -> str:
    params = run.params
    return f"relais-{run.name}-{params['from']}-{params['to']}-run{run.id}"


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return safe_cell(value.item() if hasattr(value, "item") else value)


def _sections(computed):
    """(report, section title, columns, rows) for each summary and table."""
    for report, output in computed:
        summary = [[SUMMARY_LABELS.get(k, k), v] for k, v in output["summary"].items()]
        yield report, "Synthèse", ["Indicateur", "Valeur"], summary
        for name, frame in output["tables"].items():
            rows = frame.astype(object).where(frame.notna(), None).values.tolist()
            yield report, TABLE_LABELS.get(name, name), [heading(c) for c in frame.columns], rows


def _period(params) -> str:
    text = f"Période du {params.start:%d/%m/%Y} au {params.end:%d/%m/%Y}"
    if params.sites:
        text += " ; sites : " + ", ".join(params.sites)
    if params.channels:
        text += " ; canaux : " + ", ".join(params.channels)
    return text


def build_csv(computed, params) -> bytes:
    """One CSV (semicolon, UTF-8 with BOM for spreadsheets): a titled block per summary and table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_cell(_period(params))])
    for report, title, columns, rows in _sections(computed):
        writer.writerow([])
        writer.writerow([_cell(f"{report.title} — {title}")])
        writer.writerow([_cell(c) for c in columns])
        writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_xlsx(computed, params) -> bytes:
    """One workbook: a sheet per report, its summary then its tables, each under a bold title."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    sheets = {}
    for report, title, columns, rows in _sections(computed):
        if report.name not in sheets:
            sheet = workbook.add_worksheet(report.name[:31])
            sheet.write_string(0, 0, _period(params))
            sheets[report.name] = [sheet, 2]
        sheet, row = sheets[report.name]
        sheet.write_string(row, 0, f"{report.title} — {title}", bold)
        for col, name in enumerate(columns):
            sheet.write_string(row + 1, col, str(_cell(name)), bold)
        for offset, values in enumerate(rows, start=2):
            for col, value in enumerate(values):
                value = _cell(value)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    sheet.write_string(row + offset, col, str(value))
                else:
                    sheet.write_number(row + offset, col, value)
        sheets[report.name][1] = row + len(rows) + 4
    workbook.close()
    return buffer.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """A single table as plain CSV (comma) for standard output, formulas escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).values.tolist():
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
