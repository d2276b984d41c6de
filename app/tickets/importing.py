"""Import historical ticket logs (CSV): everything or nothing, every problem listed by line and column.

Format: `docs/import-format.md`. The file is read twice in memory: parse and check every line (residents
and references looked up in batches), then, if no line is wrong, write everything with bulk inserts.
The caller commits (one transaction) or, for a dry run, rolls back.
"""

from dataclasses import dataclass, field

from app.cards.detector import contains_card_number
from app.contacts.bulk import insert_residents
from app.extensions import db
from app.files.csvfiles import CsvFileError, check_header, read_csv
from app.tickets.bulk import insert_tickets
from app.tickets.checks import ticket_problems
from app.tickets.import_rows import COLUMNS, REQUIRED, ParsedRow, load_lookups, parse_row, resolve_residents
from app.tickets.models import Ticket
from app.training.rules import load_rules

# Ticket attributes named by the rules, mapped back to the file's columns.
ATTRIBUTE_COLUMNS = {"device_id": "device", "site_id": "site", "channel_id": "channel", "procedure_id": "procedure",
                     "resident_id": "resident_name", "requested_service_text": "requested_service",
                     "requested_procedure_id": "requested_service"}
CHUNK = 500
PROGRESS_LINES = 5000
STAGES = {"reading": "Lecture du fichier", "checking": "Vérification des lignes",
          "residents": "Recherche des usagers", "rules": "Règles des tickets", "writing": "Enregistrement"}
RUN_STATUS_LABELS = {"queued": "En attente du worker", "running": "En cours", "finished": "Terminé",
                     "refused": "Refusé : rien n'a été importé", "failed": "En échec : rien n'a été importé"}
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


def _read_rows(data: bytes | str, result: ImportResult) -> list[ParsedRow] | None:
    """The file's lines, or None (with the errors) when the file or its header cannot be read whole."""
    try:
        table = read_csv(data)
    except CsvFileError as exc:
        result.errors.extend(_error(p.line, p.column or "—", p.message) for p in exc.problems)
        return None
    header = check_header(table.columns, COLUMNS, REQUIRED)
    result.errors.extend(_error(1, name, "colonne inconnue (voir docs/import-format.md).") for name in header.unknown)
    result.errors.extend(_error(1, name, "colonne en double.") for name in header.doubled)
    result.errors.extend(_error(1, name, "colonne obligatoire absente.") for name in header.missing)
    if result.errors:
        return None
    rows = []
    for line, record in table.rows:
        carded = [name for name, value in record.items()
                  if contains_card_number(value)]
        for name in carded:  # never echoed, never stored
            result.errors.append(_error(line, name, "ce champ semble contenir un numéro de carte bancaire : "
                                                    "il ne doit jamais être saisi. Retirez-le du fichier."))
            record[name] = ""
        rows.append(ParsedRow(line, record, card_found=bool(carded)))
    return rows


def _existing_refs(refs: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start:start + CHUNK]
        found.update(db.session.execute(db.select(Ticket.external_ref).where(Ticket.external_ref.in_(chunk)))
                     .scalars())
    return found


def _check_rules(row: ParsedRow, training_rules) -> None:
    """Add the rules every ticket obeys (channel rules, protocol, dates...) on columns not already wrong."""
    if row.card_found:
        return
    reported = {ATTRIBUTE_COLUMNS.get(attribute, attribute) for attribute, _message in row.problems}
    checked = dict(row.values, channel=row.channel, site=row.site, device=row.device, procedure=row.procedure,
                   # a line whose resident could not be looked up (bad email...) already says why
                   resident_id=row.values.get("resident_id") or row.new_resident or bool(row.person and row.problems),
                   training_rules=training_rules)
    for attribute, message in ticket_problems(checked):
        column = ATTRIBUTE_COLUMNS.get(attribute, attribute)
        if column in reported or (column == "resident_name" and reported & {"resident_email", "resident_phone",
                                                                             "resident_account_ref"}):
            continue
        row.problems.append((attribute, message))
        reported.add(column)
    row.values["untrained_agent"] = checked.get("untrained_agent", False)


def _no_progress(stage: str, done: int, total: int, errors: int) -> None:
    return None


def import_tickets(data: bytes | str, agent=None, dry_run: bool = False, source: str | None = None,
                   progress=None) -> ImportResult:
    """Check every line of a CSV of tickets; when all are valid (and not a dry run), write them all.

    Nothing is written when any line is wrong. Lines whose `external_ref` was already imported are skipped.
    `progress(stage, lines done, lines in all, lines wrong so far)` is called every PROGRESS_LINES lines
    of each stage (STAGES), before anything is written: a job may commit its progress there.
    """
    progress = progress or _no_progress
    result = ImportResult(dry_run=dry_run)
    if contains_card_number(source):  # the file name is written into each ticket's `imported` event
        result.errors.append(FILE_NAME_CARD_MESSAGE)
        return result
    progress("reading", 0, 0, 0)
    rows = _read_rows(data, result)
    if rows is None:
        return result
    result.lines = total = len(rows)
    wrong = 0
    lookups = load_lookups()
    for done, row in enumerate(rows, start=1):
        parse_row(row, lookups)
        wrong += bool(row.problems) or row.card_found
        if done % PROGRESS_LINES == 0:
            progress("checking", done, total, wrong)
    progress("residents", total, total, wrong)
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
    training_rules = load_rules()  # every agent's training, read once: checked at each ticket's date
    wrong = sum(1 for row in rows if row.problems or row.card_found)
    for done, row in enumerate(todo, start=1):
        clean = not row.problems
        _check_rules(row, training_rules)
        wrong += clean and bool(row.problems)
        if done % PROGRESS_LINES == 0:
            progress("rules", done, len(todo), wrong)
    progress("writing", total, total, wrong)
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

