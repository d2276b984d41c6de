"""Import and export of the procedure catalogue as CSV (format: docs/catalogue-format.md).

Import is all or nothing: every line is checked first; one problem anywhere and nothing is written, and every
problem is reported as `ligne N, colonne C : message`. A valid file creates or updates procedures by code
(never deletes) in the caller's transaction; a dry run reports the same counts and writes nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from unidecode import unidecode

from app.audit.actor import Actor
from app.cards.detector import contains_card_number
from app.channels.models import Procedure
from app.channels.queries import list_all_procedures_by_code
from app.channels.services import (
    CODE_PATTERN,
    CODE_RULE,
    ReferenceDataError,
    create_procedure,
    update_procedure,
)
from app.extensions import db
from app.files.csvfiles import CsvFileError, check_header, parse_yes_no, read_csv
from app.files.exports import safe_cell

COLUMNS = ("code", "label", "owner", "domain", "availability", "involves_payment", "online_url",
           "active_from", "active_to", "active")
MAX_LINES = 5000
CARD_NUMBER_CELL = ("ce champ semble contenir un numéro de carte bancaire : il ne doit jamais être saisi. "
                    "Retirez-le du fichier.")
OWNER_WORDS = {"city": "city", "ville": "city", "ville de paris": "city", "state": "state", "etat": "state"}
AVAILABILITY_WORDS = {
    "online": "online", "en ligne": "online",
    "not_online": "not_online", "pas encore en ligne": "not_online",
    "pas encore en ligne (demandee)": "not_online",
    "offline_only": "offline_only", "hors ligne": "offline_only", "hors ligne uniquement": "offline_only",
}
URL_PATTERN = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+\S*$")


@dataclass
class CatalogueImport:
    """What an import did (or, for a dry run, would do)."""

    dry_run: bool
    problems: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # code -> changed columns
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One French sentence with the counts."""
        verb = "seraient" if self.dry_run else "ont été"
        return (f"{len(self.created)} démarche(s) {verb} créée(s), {len(self.updated)} {verb} modifiée(s), "
                f"{self.unchanged} inchangée(s).")


class CatalogueFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


def _unescape(value: str) -> str:
    """Undo the apostrophe our exports put before text a spreadsheet would run as a formula."""
    if value.startswith("'") and safe_cell(value[1:]) != value[1:]:
        return value[1:]
    return value


def _word(value: str) -> str:
    return unidecode(value).strip().lower()


def _parse_date(value: str):
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date « {value} » invalide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")


def _parse_text(value: str, limit: int):
    if not value:
        raise ValueError("valeur obligatoire")
    if len(value) > limit:
        raise ValueError(f"{limit} caractères au plus")
    return value


def _parse_code(value: str):
    value = _parse_text(value, Procedure.__table__.c.code.type.length)
    if not CODE_PATTERN.match(value):
        raise ValueError(f"code « {value} » invalide : {CODE_RULE}")
    return value


def _parse_choice(words: dict, expected: str):
    def parse(value: str):
        if _word(value) not in words:
            raise ValueError(f"valeur « {value} » inconnue (attendu : {expected})")
        return words[_word(value)]
    return parse


def _parse_url(value: str):
    if value and not URL_PATTERN.match(value):
        raise ValueError(f"adresse « {value} » invalide (attendu : https://…)")
    return value or None


PARSERS = {
    "code": _parse_code,
    "label": lambda v: _parse_text(v, 250),
    "owner": _parse_choice(OWNER_WORDS, "city ou state"),
    "domain": lambda v: _parse_text(v, 60),
    "availability": _parse_choice(AVAILABILITY_WORDS, "online, not_online ou offline_only"),
    "involves_payment": lambda v: parse_yes_no(v, False),
    "online_url": _parse_url,
    "active_from": _parse_date,
    "active_to": _parse_date,
    "active": lambda v: parse_yes_no(v, True),
}


def _header_problems(columns: list[str]) -> list[str]:
    check = check_header(columns, COLUMNS, COLUMNS)
    unknown = [name for name in check.unknown if name != "(vide)"]
    problems = []
    if unknown:
        problems.append(f"ligne 1 : colonne(s) inconnue(s) : {', '.join(unknown)}")
    if check.missing:
        problems.append(f"ligne 1 : colonne(s) manquante(s) : {', '.join(check.missing)} "
                        f"(en-tête attendu : {','.join(COLUMNS)})")
    if check.doubled:
        problems.append(f"ligne 1 : colonne(s) en double : {', '.join(sorted(check.doubled))}")
    return problems


def parse_catalogue(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """Read a catalogue file: ([(line number, values)], problems). Raises CatalogueFileError if unreadable."""
    try:
        table = read_csv(data)
    except CsvFileError as exc:
        if len(exc.problems) == 1:
            raise CatalogueFileError(str(exc.problems[0])) from exc
        return [], [str(problem) for problem in exc.problems]
    problems = _header_problems(table.columns)
    if problems:
        return [], problems
    rows, first_line_of = [], {}
    for line, cells in table.rows:
        if len(rows) >= MAX_LINES:
            problems.append(f"ligne {line} : le fichier dépasse {MAX_LINES} lignes de démarches")
            break
        raw = {name: _unescape(cells[name]) for name in table.columns if name}
        values, line_problems = {}, []
        for name in COLUMNS:
            if contains_card_number(raw[name]):  # refused before any message could quote the cell
                line_problems.append(f"ligne {line}, colonne {name} : {CARD_NUMBER_CELL}")
                continue
            try:
                values[name] = PARSERS[name](raw[name])
            except ValueError as exc:
                line_problems.append(f"ligne {line}, colonne {name} : {exc}")
        if values.get("active_from") and values.get("active_to") and values["active_to"] < values["active_from"]:
            line_problems.append(f"ligne {line}, colonne active_to : la date de fin précède la date de début")
        code = values.get("code")
        if code in first_line_of:
            line_problems.append(f"ligne {line}, colonne code : le code « {code} » figure déjà ligne "
                                 f"{first_line_of[code]}")
        elif code:
            first_line_of[code] = line
        problems.extend(line_problems)
        if not line_problems:
            rows.append((line, values))
    return rows, problems


def _differences(procedure: Procedure, values: dict) -> list[str]:
    return [name for name in COLUMNS[1:] if getattr(procedure, name) != values[name]]


def import_catalogue(data: bytes, dry_run: bool = False, *, actor: Actor | None = None) -> CatalogueImport:
    """Check a catalogue file and, unless `dry_run` or a problem is found, create/update its procedures
    (audited for `actor`, by default the system).

    Nothing is written when any line has a problem. The caller commits.
    """
    report = CatalogueImport(dry_run=dry_run)
    try:
        rows, report.problems = parse_catalogue(data)
    except CatalogueFileError as exc:
        report.problems = [str(exc)]
    if report.problems:
        return report
    if not rows:
        report.problems = ["Le fichier ne contient aucune démarche (seulement l'en-tête)."]
        return report
    existing = {p.code: p for p in list_all_procedures_by_code()}
    current_line = None
    try:
        with db.session.begin_nested():  # any failure below undoes every line of this import
            for line, values in rows:
                current_line = line
                code, fields = values["code"], {k: v for k, v in values.items() if k != "code"}
                procedure = existing.get(code)
                if procedure is None:
                    report.created.append(code)
                    if not dry_run:
                        create_procedure(code=code, source="import", actor=actor, **fields)
                elif changed := _differences(procedure, fields):
                    report.updated[code] = changed
                    if not dry_run:
                        update_procedure(procedure, source="import", actor=actor, **fields)
                else:
                    report.unchanged += 1
    except ReferenceDataError as exc:
        column = f", colonne {exc.field}" if exc.field else ""
        report.problems = [f"ligne {current_line}{column} : {exc}"]
        report.created, report.updated, report.unchanged = [], {}, 0
    return report


def _cell(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell("" if value is None else str(value))


def export_catalogue(separator: str = ";", bom: bool = True) -> str:
    """The whole catalogue (active or not) as CSV text, by code; formulas are neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for procedure in list_all_procedures_by_code():
        writer.writerow([_cell(getattr(procedure, name)) for name in COLUMNS])
    return ("\ufeff" if bom else "") + out.getvalue()
