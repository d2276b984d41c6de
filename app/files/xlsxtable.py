"""The XLSX tables of every export (report runs, the ticket list): typed columns, one look, rows streamed.

A table is a styled, frozen header row with a filter, then its rows, columns sized to their content.
Each column has a kind (text, integer, identifier, decimal, percent, date, instant, yes/no) chosen once,
and so one converter: no per-cell type dispatch. Text never runs as a formula (`app.files.exports.safe_cell`),
instants are shown in Paris time (Excel knows no time zones), a missing value is a blank cell; widths
are read from the first WIDTH_SAMPLE rows.

Two engines write these tables, with the same kinds, converters, number formats and header style:
- `TableWriter` (xlsxwriter) puts a table inside a workbook with other content: the report runs'
  workbooks (titles above the tables, a summary sheet of mixed formats), a few thousand rows at most;
- `write_table_workbook` (rustpy-xlsxwriter, Rust) writes a workbook of one large table from a
  generator in constant memory: the ticket list's export. 100,000 rows of 20 cells take it 2.0 s
  (20 MB) where xlsxwriter's per-cell Python takes 12.7 s in `constant_memory` mode (bench/RESULTS.md).
"""

from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, islice

from rustpy_xlsxwriter import Format as RustFormat
from rustpy_xlsxwriter import write_worksheets

from app.files.exports import FORMULA_START, safe_cell
from app.timeutil import PARIS, to_paris

MAX_WIDTH, MIN_WIDTH = 60, 8
WIDTH_SAMPLE = 1000  # rows read for the columns' widths; the rest is written without measuring

TEXT, INTEGER, IDENTIFIER, DECIMAL, PERCENT, DATE, INSTANT, YES_NO, ANY = (
    "text", "integer", "identifier", "decimal", "percent", "date", "instant", "yes_no", "any")
NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "#,##0.0", PERCENT: "0.0 %", DATE: "dd/mm/yyyy",
                  INSTANT: "dd/mm/yyyy hh:mm"}
HEADER_COLOURS = {"font": "#ffffff", "background": "#1f4e8c", "border": "#c8ccd2"}


class Formats:
    """The xlsxwriter workbook's cell formats (French display comes from the reader's locale: 20,0 %, 1 200)."""

    def __init__(self, workbook):
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.note = add({"italic": True, "font_color": "#374151"})
        self.header = add({"bold": True, "font_color": HEADER_COLOURS["font"], "bg_color": HEADER_COLOURS["background"],
                           "text_wrap": True, "valign": "top", "border": 1, "border_color": HEADER_COLOURS["border"]})
        self.percent = add({"num_format": NUMBER_FORMATS[PERCENT]})
        self.integer = add({"num_format": NUMBER_FORMATS[INTEGER]})
        self.decimal = add({"num_format": NUMBER_FORMATS[DECIMAL]})
        self.date = add({"num_format": NUMBER_FORMATS[DATE], "align": "left"})
        self.datetime = add({"num_format": NUMBER_FORMATS[INSTANT], "align": "left"})
        self.section = add({"bold": True, "bg_color": "#eef2f7"})

    def of_kind(self, kind: str):
        return {INTEGER: self.integer, DECIMAL: self.decimal, PERCENT: self.percent, DATE: self.date,
                INSTANT: self.datetime}.get(kind)


class Vocabulary(dict):
    """Codes -> labels for a column; a code missing from the dict is named by `fallback` (and remembered)."""

    def __init__(self, labels: dict, fallback):
        super().__init__(labels)
        self.fallback = fallback

    def __missing__(self, code):
        label = self[code] = self.fallback(code)
        return label


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its kind, for coded text the labels its codes are shown as, and for a
    column of mixed types (ANY) whether its numbers are shares (shown as percentages)."""

    heading: str
    kind: str = TEXT
    labels: dict | None = None
    share: bool = False


def text_of(value) -> str:
    """A text cell: never a formula."""
    text = value if value.__class__ is str else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def paris_wall_clock(value: datetime) -> datetime:
    """An instant as Paris sees it, without a zone (what a spreadsheet shows); a naive value is taken as UTC."""
    local = to_paris(value) if value.tzinfo is None else value.astimezone(PARIS)
    return local.replace(tzinfo=None)


def converter(column: Column):
    """The function turning one value (never None) of this column into its cell: chosen once per column."""
    kind, labels = column.kind, column.labels
    if kind == TEXT and labels is not None:
        return lambda value: text_of(labels[value])
    if kind == TEXT:
        return text_of
    if kind == YES_NO:
        return lambda value: "oui" if value else "non"
    if kind == INSTANT:
        return paris_wall_clock
    if kind == DATE:
        return lambda value: datetime(value.year, value.month, value.day)
    return lambda value: value  # numbers; ANY is written cell by cell (`write_any_cell`)


def write_any_cell(sheet, row: int, col: int, value, formats: Formats, share: bool = False) -> None:
    """One xlsxwriter cell whose type is known only from its value (summaries, columns of mixed types)."""
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "oui" if value else "non")
    elif isinstance(value, datetime):  # an instant: shown in Paris time; a naive one as it is
        local = to_paris(value) if value.tzinfo is not None else value
        sheet.write_datetime(row, col, local.replace(tzinfo=None), formats.datetime)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), formats.date)
    elif isinstance(value, float) and share:
        sheet.write_number(row, col, value, formats.percent)
    elif isinstance(value, float):
        sheet.write_number(row, col, value, formats.decimal)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats.integer)
    else:
        sheet.write_string(row, col, str(safe_cell(value)))


def display_length(kind: str, value) -> int:
    """How many characters a cell shows (for its column's width); `value` as written (converted)."""
    if value is None:
        return 0
    if kind == DATE:
        return 10
    if kind == INSTANT or isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, bool):
        return 3
    if isinstance(value, float):
        return len(f"{value * 100:.1f} %") if kind == PERCENT else len(f"{value:,.1f}")
    if isinstance(value, int):
        return len(str(value)) if kind == IDENTIFIER else len(f"{value:,}")
    return len(str(value))


def heading_width(text: str) -> int:
    """A header wraps on spaces: wide enough for its longest word, and for a third of it on one line."""
    return max([len(w) for w in text.split()] + [len(text) // 3 + 1])


def column_width(longest: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


class _Widths:
    """The longest cell of each column among the rows shown to it (headings included)."""

    def __init__(self, columns: list[Column]):
        self.kinds = [c.kind for c in columns]
        self.longest = [heading_width(c.heading) for c in columns]

    def see(self, cells) -> None:
        for col, cell in enumerate(cells):
            if cell is not None:
                self.longest[col] = max(self.longest[col], display_length(self.kinds[col], cell))

    def widths(self) -> list[int]:
        return [column_width(n) for n in self.longest]


def print_setup(sheet, header_row: int) -> None:
    """Printed (or converted to PDF): landscape, one page wide, gridlines, the header on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.hide_gridlines(0)  # gridlines on screen and on paper
    sheet.repeat_rows(header_row)


class TableWriter:
    """An xlsxwriter table at row `top` of `sheet`: the header now, rows as they come (`write`), the rest at
    `close` (widths, frozen header, filter, print setup)."""

    def __init__(self, sheet, top: int, columns: list[Column], formats: Formats):
        self.sheet, self.top, self.columns, self.formats = sheet, top, list(columns), formats
        self.rows = 0
        self._widths = _Widths(self.columns)
        self._cells = [self._cell_writer(col, column) for col, column in enumerate(self.columns)]
        sheet.set_row(top, None)
        for col, column in enumerate(self.columns):
            sheet.write_string(top, col, str(safe_cell(column.heading)), formats.header)

    def _cell_writer(self, col: int, column: Column):
        """(converter, write(row, cell)) for one column, chosen once."""
        sheet, fmt = self.sheet, self.formats.of_kind(column.kind)
        if column.kind == ANY:
            return None, lambda row, cell: write_any_cell(sheet, row, col, cell, self.formats, column.share)
        if column.kind in (DATE, INSTANT):
            return converter(column), lambda row, cell: sheet.write_datetime(row, col, cell, fmt)
        if column.kind in (TEXT, YES_NO):
            return converter(column), lambda row, cell: sheet.write_string(row, col, cell)
        return None, lambda row, cell: sheet.write_number(row, col, cell, fmt)

    def write(self, rows) -> int:
        """Write these rows (sequences in column order); returns how many the table has."""
        cells = self._cells
        for values in rows:
            row = self.top + self.rows + 1
            written = [None] * len(cells)
            for col, ((convert, write), value) in enumerate(zip(cells, values, strict=True)):
                if value is not None:
                    cell = written[col] = convert(value) if convert is not None else value
                    write(row, cell)
            if self.rows < WIDTH_SAMPLE:
                self._widths.see(written)
            self.rows += 1
        return self.rows

    def close(self) -> None:
        for col, width in enumerate(self._widths.widths()):
            self.sheet.set_column(col, col, width)
        self.sheet.freeze_panes(self.top + 1, 1 if len(self.columns) > 2 else 0)
        if self.rows:
            self.sheet.autofilter(self.top, 0, self.top + self.rows, len(self.columns) - 1)
        print_setup(self.sheet, self.top)


def _rust_format(kind: str | None = None, header: bool = False) -> RustFormat:
    fmt = RustFormat()
    if header:
        fmt.set_bold().set_font_color(HEADER_COLOURS["font"]).set_background_color(HEADER_COLOURS["background"])
        fmt.set_text_wrap().set_align("top").set_border("thin").set_border_color(HEADER_COLOURS["border"])
    if kind in NUMBER_FORMATS:
        fmt.set_num_format(NUMBER_FORMATS[kind])
    if kind in (DATE, INSTANT):
        fmt.set_align("left")
    return fmt


def write_table_workbook(target, sheet: str, columns: list[Column], rows, about: list[tuple[str, str]] = (),
                         about_sheet: str = "Critères") -> int:
    """A workbook of one table (`rows`: an iterable of sequences in column order, read once, as it is
    written), then a sheet of (label, value) lines saying what it holds. Returns the rows written.

    `target` is a path or a binary file. Rows are converted as they are read and never kept (but for
    the first WIDTH_SAMPLE, read ahead for the widths): memory does not grow with the table.
    """
    headings = [c.heading for c in columns]
    if len(set(headings)) != len(headings):
        raise ValueError(f"Deux colonnes portent le même titre : {headings}")
    convert = [converter(c) for c in columns]

    def cells(values):
        return [None if value is None else conv(value) for conv, value in zip(convert, values, strict=False)]

    rows = iter(rows)
    sample = [cells(values) for values in islice(rows, WIDTH_SAMPLE)]
    widths = _Widths(columns)
    for line in sample:
        widths.see(line)
    count = 0

    def records():
        nonlocal count
        for line in chain(sample, (cells(values) for values in rows)):
            count += 1
            yield dict(zip(headings, line, strict=True))
        if count == 0:  # the header row alone
            yield dict.fromkeys(headings)

    header = _rust_format(header=True)
    formats = {c.heading: _rust_format(c.kind) for c in columns if c.kind in NUMBER_FORMATS}
    about_records = [{"Export": label, "Valeur": value} for label, value in about] or [{"Export": "", "Valeur": ""}]
    write_worksheets(
        [(sheet, records()), (about_sheet, about_records)], target,
        freeze_panes={sheet: {"row": 1, "col": 1 if len(columns) > 2 else 0}},
        header_format={sheet: header, about_sheet: header},
        column_formats={sheet: formats},
        column_widths={sheet: widths.widths(),
                       about_sheet: [column_width(max([len(label) for label, _v in about] + [6])),
                                     column_width(max([len(str(v)) for _l, v in about] + [6]))]},
        autofilter={sheet: True},
        page_setup={sheet: {"landscape": True, "paper_size": 9, "fit_to_pages": (1, 0), "repeat_rows": 0}})
    return count
