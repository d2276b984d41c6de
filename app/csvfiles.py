"""Reading the CSV files agents upload (catalogue, historical tickets), as Excel writes them in French."""

import csv
import io


class CsvFileError(ValueError):
    """The file as a whole cannot be read; `line` is where the problem is."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


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
    """A csv reader over `text`, separated by `;` or `,` as its header line shows (Excel in French writes `;`)."""
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
