"""Import training sessions from CSV: `login;module;trained_on[;trainer]`, everything or nothing.

Same rules as the other imports: UTF-8 with or without BOM, `;` or `,`; every problem is reported as
`ligne N, colonne C : message` and one bad line imports nothing; a session already recorded (same agent,
module and day) is skipped, so importing the same file again adds nothing. The caller commits.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime

from app.audit.actor import Actor
from app.auth.models import Agent
from app.extensions import db
from app.files.csvfiles import CsvFileError, csv_rows, decode_csv
from app.timeutil import paris_day, utcnow
from app.training.models import TrainingModule
from app.training.queries import existing_sessions
from app.training.services import record_training

REQUIRED = ("login", "module", "trained_on")
COLUMNS = (*REQUIRED, "trainer")
MAX_LINES = 20000


@dataclass
class TrainingImport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool = False
    lines: int = 0
    created: int = 0
    skipped: int = 0  # already recorded, or twice in the file
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "seraient enregistrées" if self.dry_run else "enregistrées"
        return f"Formations {verb} : {self.created} ; déjà connues (ignorées) : {self.skipped}."


def _error(line: int, column: str, message: str) -> str:
    return f"ligne {line}, colonne {column} : {message}"


def parse_day(value: str) -> date:
    """AAAA-MM-JJ or JJ/MM/AAAA."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"« {value[:30]} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).")


def _header(reader, result: TrainingImport) -> list[str] | None:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        result.errors.append(_error(1, "—", "le fichier est vide."))
        return None
    for name in header:
        if name not in COLUMNS:
            result.errors.append(_error(1, name or "(vide)", f"colonne inconnue (colonnes : {';'.join(COLUMNS)})."))
    for name in sorted({n for n in header if header.count(n) > 1}):
        result.errors.append(_error(1, name, "colonne en double."))
    for name in REQUIRED:
        if name not in header:
            result.errors.append(_error(1, name, "colonne obligatoire absente."))
    return None if result.errors else header


def _parse_line(line: int, record: dict, agents: dict, modules: dict, today: date, result: TrainingImport):
    """(agent, module, day, trainer) of a line, or None after recording its problems."""
    problems = []
    login = record.get("login", "")
    agent = agents.get(login) or agents.get(login.lower())
    if not login:
        problems.append(("login", "valeur obligatoire."))
    elif agent is None:
        problems.append(("login", f"agent inconnu « {login[:40]} »."))
    code = record.get("module", "").lower()
    module = modules.get(code)
    if not code:
        problems.append(("module", "valeur obligatoire."))
    elif module is None:
        problems.append(("module", f"module inconnu « {code[:40]} » (modules : {', '.join(sorted(modules))})."))
    elif not module.active:
        problems.append(("module", f"le module « {code} » est désactivé."))
    day = None
    raw_day = record.get("trained_on", "")
    if not raw_day:
        problems.append(("trained_on", "valeur obligatoire."))
    else:
        try:
            day = parse_day(raw_day)
        except ValueError as exc:
            problems.append(("trained_on", str(exc)))
        else:
            if day > today:
                problems.append(("trained_on", f"la date {day:%d/%m/%Y} est dans le futur."))
    trainer = record.get("trainer", "").strip() or None
    if trainer and len(trainer) > 200:
        problems.append(("trainer", "200 caractères au plus."))
    result.errors.extend(_error(line, column, message) for column, message in problems)
    return None if problems else (agent, module, day, trainer)


def _read(text: str, result: TrainingImport) -> list[tuple[int, dict]] | None:
    reader = csv_rows(text)
    header = _header(reader, result)
    if header is None:
        return None
    rows, last = [], 1
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_LINES:
                result.errors.append(_error(line, "—", f"le fichier dépasse {MAX_LINES} lignes."))
                break
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                result.errors.append(_error(line, str(len(header) + 1),
                                            f"{len(cells)} valeurs pour {len(header)} colonnes "
                                            "(vérifiez le séparateur et les guillemets)."))
                continue
            rows.append((line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}))
    except csv.Error as exc:
        result.errors.append(_error(last + 1, "—", f"CSV illisible ({exc})."))
    return rows


def import_training(data: bytes | str, by=None, dry_run: bool = False, today: date | None = None, *,
                    actor: Actor | None = None) -> TrainingImport:
    """Check every line; if all are valid and this is not a dry run, record the new sessions (audited for
    `actor`, by default `by`)."""
    result = TrainingImport(dry_run=dry_run)
    try:
        text = decode_csv(data)
    except CsvFileError as exc:
        result.errors.append(_error(exc.line, "—", exc.message))
        return result
    rows = _read(text, result)
    if rows is None:
        return result
    result.lines = len(rows)
    if not rows and not result.errors:
        result.errors.append(_error(1, "—", "le fichier ne contient aucune formation (seulement l'en-tête)."))
    today = today or paris_day(utcnow())
    agents = {a.login: a for a in db.session.execute(db.select(Agent)).scalars()}
    agents |= {login.lower(): a for login, a in agents.items() if login.lower() not in agents}
    modules = {m.code: m for m in db.session.execute(db.select(TrainingModule)).scalars()}
    parsed = [(line, _parse_line(line, record, agents, modules, today, result)) for line, record in rows]
    result.errors.sort(key=lambda e: int(e.split(",", 1)[0].split()[1]))
    if result.errors:
        return result
    known = existing_sessions(sorted({agent.id for _line, (agent, *_rest) in parsed}))
    todo = []
    for _line, (agent, module, day, trainer) in parsed:
        key = (agent.id, module.id, day)
        if key in known:
            result.skipped += 1
            continue
        known.add(key)
        todo.append((agent, module, day, trainer))
    result.created = len(todo)
    if not dry_run:
        for agent, module, day, trainer in todo:
            record_training(agent, module, day, trainer, source="import", by=by, today=today, actor=actor)
    return result
