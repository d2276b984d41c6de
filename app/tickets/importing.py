"""Import historical ticket logs (CSV): everything or nothing, every problem listed by line and column.

Format: `docs/import-format.md`. The file is read twice in memory: parse and check every line (residents
and references looked up in batches), then, if no line is wrong, write everything with bulk inserts.
The caller commits (one transaction) or, for a dry run, rolls back.
"""

import csv
from dataclasses import dataclass, field

from app.cardnumbers import contains_card_number
from app.csvfiles import CsvFileError, csv_rows, decode_csv
from app.extensions import db
from app.tickets.bulk import insert_residents, insert_tickets
from app.tickets.checks import ticket_problems
from app.tickets.import_rows import COLUMNS, REQUIRED, ParsedRow, load_lookups, parse_row, resolve_residents
from app.tickets.models import Ticket

# Ticket attributes named by the rules, mapped back to the file's columns.
ATTRIBUTE_COLUMNS = {"device_id": "device", "site_id": "site", "channel_id": "channel", "procedure_id": "procedure",
                     "resident_id": "resident_name", "requested_service_text": "requested_service",
                     "requested_procedure_id": "requested_service"}
CHUNK = 500
FILE_NAME_CARD_MESSAGE = ("Nom du fichier : il semble contenir un numéro de carte bancaire : il ne doit jamais être "
                          "saisi. Renommez le fichier puis importez-le à nouveau.")



@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do); `errors` lists `ligne N, colonne C : message`."""

    lines: int = 0
    tickets_created: int = 0
    tickets_skipped: int = 0
    residents_created: int = 0
    residents_matched: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "seraient créés" if self.dry_run else "créés"
        return (f"Tickets {verb} : {self.tickets_created} ; déjà importés (ignorés) : {self.tickets_skipped}. "
                f"Usagers {verb} : {self.residents_created} ; retrouvés : {self.residents_matched}.")


def _error(line: int, column: str, message: str) -> str:
    return f"ligne {line}, colonne {column} : {message}"


def _decode(data: bytes | str, result: ImportResult) -> str | None:
    try:
        return decode_csv(data)
    except CsvFileError as exc:
        result.errors.append(_error(exc.line, "—", exc.message))
        return None


def _header(reader, result: ImportResult) -> list[str] | None:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        result.errors.append(_error(1, "—", "le fichier est vide."))
        return None
    for name in header:
        if name not in COLUMNS:
            result.errors.append(_error(1, name or "(vide)", "colonne inconnue (voir docs/import-format.md)."))
    seen = set()
    for name in header:
        if name in seen:
            result.errors.append(_error(1, name, "colonne en double."))
        seen.add(name)
    for name in REQUIRED:
        if name not in header:
            result.errors.append(_error(1, name, "colonne obligatoire absente."))
    return None if result.errors else header


def _read_rows(text: str, result: ImportResult) -> list[ParsedRow] | None:
    reader = csv_rows(text)
    header = _header(reader, result)
    if header is None:
        return None
    rows, last_line = [], 1
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                result.errors.append(_error(line, str(len(header) + 1), f"{len(cells)} valeurs pour "
                                                                       f"{len(header)} colonnes."))
                continue
            record = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            carded = [name for name, value in record.items() if contains_card_number(value)]
            for name in carded:  # never echoed, never stored
                result.errors.append(_error(line, name, "ce champ semble contenir un numéro de carte bancaire : "
                                                        "il ne doit jamais être saisi. Retirez-le du fichier."))
                record[name] = ""
            rows.append(ParsedRow(line, record, card_found=bool(carded)))
    except csv.Error as exc:
        result.errors.append(_error(last_line + 1, "—", f"CSV illisible ({exc})."))
    return rows


def _existing_refs(refs: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start:start + CHUNK]
        found.update(db.session.execute(db.select(Ticket.external_ref).where(Ticket.external_ref.in_(chunk)))
                     .scalars())
    return found


def _check_rules(row: ParsedRow) -> None:
    """Add the rules every ticket obeys (channel rules, protocol, dates...) on columns not already wrong."""
    if row.card_found:
        return
    reported = {ATTRIBUTE_COLUMNS.get(attribute, attribute) for attribute, _message in row.problems}
    checked = dict(row.values, channel=row.channel, site=row.site, device=row.device, procedure=row.procedure,
                   # a line whose resident could not be looked up (bad email...) already says why
                   resident_id=row.values.get("resident_id") or row.new_resident or bool(row.person and row.problems))
    for attribute, message in ticket_problems(checked):
        column = ATTRIBUTE_COLUMNS.get(attribute, attribute)
        if column in reported or (column == "resident_name" and reported & {"resident_email", "resident_phone",
                                                                             "resident_account_ref"}):
            continue
        row.problems.append((attribute, message))
        reported.add(column)


def import_tickets(data: bytes | str, agent=None, dry_run: bool = False, source: str | None = None
                   ) -> ImportResult:
    """Check every line of a CSV of tickets; when all are valid (and not a dry run), write them all.

    Nothing is written when any line is wrong. Lines whose `external_ref` was already imported are skipped.
    """
    result = ImportResult(dry_run=dry_run)
    if contains_card_number(source):  # the file name is written into each ticket's `imported` event
        result.errors.append(FILE_NAME_CARD_MESSAGE)
        return result
    text = _decode(data, result)
    rows = _read_rows(text, result) if text is not None else None
    if rows is None:
        return result
    result.lines = len(rows)
    lookups = load_lookups()
    for row in rows:
        parse_row(row, lookups)
    refs_seen: dict[str, int] = {}
    for row in rows:
        ref = row.values.get("external_ref")
        if ref and ref in refs_seen:
            row.problems.append(("external_ref", f"référence externe déjà présente ligne {refs_seen[ref]}."))
        elif ref:
            refs_seen[ref] = row.line
    existing = _existing_refs(list(refs_seen))
    todo = [row for row in rows if row.values.get("external_ref") not in existing or not row.values.get("external_ref")]
    result.tickets_skipped = len(rows) - len(todo)
    new_people = resolve_residents(todo, lookups)
    for row in todo:
        _check_rules(row)
    for row in rows:
        for attribute, message in row.problems:
            result.errors.append(_error(row.line, ATTRIBUTE_COLUMNS.get(attribute, attribute), message))
    result.errors.sort(key=lambda e: int(e.split(",", 1)[0].split()[1]))
    result.residents_created = len(new_people)
    result.residents_matched = len({row.values["resident_id"] for row in todo if row.values.get("resident_id")})
    result.tickets_created = len(todo)
    if result.errors or dry_run:
        if result.errors:
            result.tickets_created = result.residents_created = 0
        return result
    agent_id = agent.id if agent is not None else None
    ids = insert_residents(new_people, agent_id)
    for person, rid in zip(new_people, ids, strict=True):
        person["id"] = rid
    ticket_rows = []
    for row in todo:
        values = dict(row.values)
        if row.new_resident is not None:
            values["resident_id"] = row.new_resident["id"]
        ticket_rows.append(values)
    insert_tickets(ticket_rows, agent_id, note=source)
    return result

