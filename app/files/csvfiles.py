"""The CSV kit of every import (historical tickets, procedure catalogue, training records).

A file is read whole or refused whole: a file that cannot be read line by line for sure (not UTF-8, a NUL
character, an unclosed or misplaced quote, a line with more or fewer values than the header, a line cut by
a line break outside quotes) raises `CsvFileError` naming each line, so no line is silently merged into
another. The API, all an import needs:

- `read_csv(data)` → `CsvTable`: the header's column names (lower case, no accents) and the lines as
  `(line number, {column: stripped cell})`, blank lines skipped; raises `CsvFileError`.
- `check_header(columns, known, required)` → `HeaderCheck` (unknown, missing, doubled columns).
- `parse_yes_no(value, default)`: the yes/no words people type (oui, non, o, n, yes, no, y, x, 1, 0, ...).
- `LineError(line, column, message)`: one problem, shown `ligne N, colonne C : message`.

Separator: `;` (Excel in French) or `,`, as the header line shows. Encoding: UTF-8, with or without BOM.
"""

import csv
import io
from dataclasses import dataclass, field

from unidecode import unidecode

YES_WORDS = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
NO_WORDS = frozenset({"non", "n", "no", "faux", "false", "0"})
MAX_FILE_PROBLEMS = 100  # a file shifted by one quote would otherwise list every line after it


@dataclass(frozen=True)
class LineError:
    """One problem of a file, at a line (1 is the header) and, when known, a column."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}, colonne {self.column}" if self.column else f"ligne {self.line}"
        return f"{where} : {self.message}"


class CsvFileError(ValueError):
    """The file cannot be read whole; `problems` names each line (`line` and `message`: the first one)."""

    def __init__(self, line: int | list[LineError], message: str | None = None):
        problems = line if isinstance(line, list) else [LineError(line, None, message or "")]
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.line = problems[0].line
        self.message = problems[0].message


@dataclass
class CsvTable:
    """A file read whole: its column names and its non-blank lines."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    delimiter: str = ";"


@dataclass
class HeaderCheck:
    """What is wrong with a header, column names in file order."""

    unknown: list[str]
    missing: list[str]
    doubled: list[str]

    @property
    def ok(self) -> bool:
        return not (self.unknown or self.missing or self.doubled)


def column_name(cell: str) -> str:
    """A header cell as a column name: trimmed, lower case, accents dropped ("Libellé " -> "libelle")."""
    return unidecode(cell).strip().lower()


def decode_csv(data: bytes | str) -> str:
    """The file's text: UTF-8 with or without a BOM; a NUL character is refused (no database stores it)."""
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise CsvFileError(line, "le fichier n'est pas encodé en UTF-8 (dans Excel, enregistrez-le au "
                                     "format « CSV UTF-8 »).") from exc
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise CsvFileError(line, "le fichier contient un caractère nul (fichier binaire ?).")
    return text


def csv_rows(text: str):
    """A strict csv reader over `text`, separated by `;` or `,` as its header line shows."""
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _quote_problem(start: int, end: int, exc: csv.Error) -> LineError:
    if "unexpected end of data" in str(exc):
        return LineError(start, None, "guillemet ouvert jamais fermé : tout le reste du fichier tomberait dans "
                                      "ce champ. Fermez le guillemet (ou doublez-le s'il fait partie du texte).")
    return LineError(start, None, f"guillemet mal placé (un champ entre guillemets commencé ligne {start} se "
                                  f"ferme ligne {end} et n'est pas suivi du séparateur). Vérifiez les guillemets "
                                  "de cette ligne.")


def _swallowed_lines(cells: list[str], delimiter: str, width: int) -> bool:
    """True when a quoted cell holds text that looks like whole lines of the file (a quote left open)."""
    return width > 2 and any(
        "\n" in cell and any(part.count(delimiter) >= width - 1 for part in cell.splitlines()[1:])
        for cell in cells)


def read_csv(data: bytes | str) -> CsvTable:
    """Read a whole file, or raise CsvFileError naming every line that cannot be read for sure.

    A quoted cell may hold line breaks (notes written on several lines); cells past the header's width
    are accepted only when empty. The header is not checked here: see `check_header`.
    """
    reader = csv_rows(decode_csv(data))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError(1, "le fichier est vide.") from None
    except csv.Error as exc:
        raise CsvFileError([_quote_problem(1, reader.line_num, exc)]) from exc
    table = CsvTable(columns=[column_name(c) for c in header], delimiter=reader.dialect.delimiter)
    width, problems = len(header), []
    while len(problems) < MAX_FILE_PROBLEMS:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_quote_problem(start, reader.line_num, exc))
            break
        if not any(c.strip() for c in cells):
            continue
        end = reader.line_num
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(LineError(start, None, f"{len(cells)} valeurs pour {width} colonnes (vérifiez le "
                                                   "séparateur et les guillemets)."))
        elif len(cells) < width:
            hint = ("vérifiez le séparateur et les guillemets" if end > start
                    else "ligne coupée par un retour à la ligne hors guillemets, ou séparateur manquant ?")
            problems.append(LineError(start, None, f"{len(cells)} valeurs pour {width} colonnes ({hint})."))
        elif end > start and _swallowed_lines(cells, table.delimiter, width):
            problems.append(LineError(start, None, f"un champ entre guillemets court jusqu'à la ligne {end} et "
                                                   "contient des lignes entières du fichier : guillemet non fermé ?"))
        else:
            table.rows.append((start, {name: cells[i].strip() for i, name in enumerate(table.columns)}))
    if problems:
        raise CsvFileError(problems)
    return table


def check_header(columns: list[str], known, required=()) -> HeaderCheck:
    """Compare a file's column names with the `known` ones, of which `required` must be present."""
    seen, doubled = set(), []
    for name in columns:
        if name in seen and name not in doubled:
            doubled.append(name)
        seen.add(name)
    return HeaderCheck(unknown=[name or "(vide)" for name in columns if name not in known],
                       missing=[name for name in required if name not in seen], doubled=doubled)


def parse_yes_no(value: str, default: bool = False) -> bool:
    """`oui`/`non` and the other ways people write them (case and accents ignored); empty gives `default`.

    Raises ValueError with the French message an import shows on the cell.
    """
    word = unidecode(value or "").strip().lower()
    if not word:
        return default
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"valeur « {value[:20]} » non reconnue (attendu : oui ou non)")
