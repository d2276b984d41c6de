"""Bulk writes for imports and the pilot data set: few statements, no per-row flush.

Rows are plain dicts already checked by the caller (`checks.ticket_problems`). The storage guard
(`app.cardguard`) sees the executemany inserts; COPY bypasses the cursor, so `_insert_many` checks its
rows itself.
"""

import json
from collections import Counter, defaultdict

from sqlalchemy import JSON, bindparam, insert, text, update

from app.cardguard import refuse_card_rows
from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import name_key
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.tickets.references import format_reference, reserve_numbers
from app.timeutil import as_utc, to_paris, utcnow

TICKET_COLUMNS = ("external_ref", "resident_id", "anonymous", "channel_id", "site_id", "device_id", "procedure_id",
                  "agent_id", "opened_at", "closed_at", "status", "outcome", "mode", "digital_choice",
                  "requested_procedure_id", "requested_service_text", "payment_assisted", "protocol_confirmed",
                  "protocol_confirmed_by_id", "family_number", "notes", "transferred_from_id", "untrained_agent")
RESIDENT_FIELDS = ("first_name", "last_name", "email", "phone", "account_ref", "family_number", "postal_code",
                   "arrondissement", "civility", "birth_date")


def _insert_many(table, rows: list[dict]) -> None:
    """Insert plain rows fast: COPY on PostgreSQL (psycopg's executemany sends rows one by one),
    executemany on SQLite. Rows carry their primary key (`reserve_ids`)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    refuse_card_rows(table.name, rows)  # COPY is no cursor statement: the engine guard does not see it
    defaults = {c.name: c.default for c in table.columns if c.default is not None and c.name not in rows[0]}
    for name, default in defaults.items():  # COPY knows nothing of the model's client-side defaults
        for row in rows:
            row[name] = default.arg(None) if default.is_callable else default.arg
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                            for c in columns])


def reserve_ids(table: str, count: int) -> list[int]:
    """Primary keys for `count` new rows, taken before inserting so that one batched INSERT needs no
    RETURNING (which SQLAlchemy would otherwise send row by row to keep the order).

    PostgreSQL: from the table's sequence (safe with concurrent writers). SQLite: after max(id), once
    this transaction holds the write lock (taken by the zero-row UPDATE), so no other writer interleaves.
    """
    if count == 0:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                                       "FROM generate_series(1, :n)"), {"t": table, "n": count}).scalars()
        return sorted(rows)
    db.session.execute(text("UPDATE ticket_sequences SET last = last WHERE year = -1"))
    start = db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one() + 1  # noqa: S608
    return list(range(start, start + count))


def insert_residents(rows: list[dict], agent_id: int | None) -> list[int]:
    """Create residents (with their `created` history entry); returns their ids in the rows' order."""
    if not rows:
        return []
    now = utcnow()
    values = []
    for row in rows:
        clean = {k: row.get(k) for k in RESIDENT_FIELDS}  # same keys on every row: one batched statement
        clean.update(search_name=name_key(clean.get("last_name"), clean.get("first_name")), created_by_id=agent_id,
                     created_at=row.get("created_at") or now, updated_at=now, version=1, needs=[],
                     first_name=clean.get("first_name") or "", last_name=clean.get("last_name") or "")
        values.append(clean)
    ids = reserve_ids("residents", len(values))
    for rid, value in zip(ids, values, strict=True):
        value["id"] = rid
    _insert_many(Resident.__table__, values)
    _insert_many(ResidentChange.__table__, [
        {"resident_id": rid, "agent_id": agent_id, "at": now, "action": "created", "note": "import",
         "changes": {k: [None, str(v)] for k, v in value.items() if k in RESIDENT_FIELDS and v not in (None, "")}}
        for rid, value in zip(ids, values, strict=True)])
    return ids


def insert_tickets(rows: list[dict], agent_id: int | None, kind: str = "imported", note: str | None = None
                   ) -> list[int]:
    """Insert tickets with references allocated per Paris year, an event each, residents' last contact.

    Every row gets `updated_at` (dashboards poll it) and version 1.
    """
    if not rows:
        return []
    now = utcnow()
    by_year = Counter(to_paris(row["opened_at"]).year for row in rows)
    numbers = {year: iter(reserve_numbers(year, count)) for year, count in sorted(by_year.items())}
    values = []
    for row in rows:
        year = to_paris(row["opened_at"]).year
        value = {column: row.get(column) for column in TICKET_COLUMNS}  # same keys on every row
        value.update(reference=format_reference(year, next(numbers[year])), created_at=now, updated_at=now, version=1)
        for flag in ("anonymous", "payment_assisted", "protocol_confirmed", "untrained_agent"):
            value[flag] = bool(value[flag])
        values.append(value)
    ids = reserve_ids("tickets", len(values))
    for tid, value in zip(ids, values, strict=True):
        value["id"] = tid
    _insert_many(Ticket.__table__, values)
    changes = {"source": [None, note]} if note else {}
    _insert_many(TicketEvent.__table__, [
        {"ticket_id": tid, "agent_id": agent_id, "at": now, "kind": kind, "changes": changes, "ticket_version": 1}
        for tid in ids])
    _touch_residents(values)
    return ids


def _touch_residents(rows: list[dict]) -> None:
    latest: dict[int, object] = defaultdict(lambda: None)
    for row in rows:
        rid = row.get("resident_id")
        if rid is not None and (latest[rid] is None or as_utc(row["opened_at"]) > latest[rid]):
            latest[rid] = as_utc(row["opened_at"])
    if not latest:
        return
    if db.session.get_bind().dialect.name == "postgresql":  # one statement (executemany goes row by row)
        db.session.execute(text(
            "UPDATE residents r SET last_contact_at = v.at FROM "
            "(SELECT unnest(CAST(:ids AS integer[])) AS id, unnest(CAST(:ats AS timestamptz[])) AS at) v "
            "WHERE r.id = v.id AND (r.last_contact_at IS NULL OR r.last_contact_at < v.at)"),
            {"ids": list(latest), "ats": list(latest.values())})
        return
    table = Resident.__table__
    statement = (update(table).where(table.c.id == bindparam("rid"))
                 .where((table.c.last_contact_at.is_(None)) | (table.c.last_contact_at < bindparam("at")))
                 .values(last_contact_at=bindparam("at")))
    db.session.connection().execute(statement, [{"rid": rid, "at": at} for rid, at in latest.items()])
