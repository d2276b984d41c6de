"""Bulk writes for imports and the pilot data set: few statements, no per-row flush.

Rows are plain dicts already checked by the caller (`checks.ticket_problems`): the ORM flush guard
does not see these inserts, so nothing reaches here unchecked.
"""

from collections import Counter, defaultdict

from sqlalchemy import bindparam, insert, update

from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import name_key
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.tickets.references import allocate_numbers, format_reference
from app.timeutil import as_utc, to_paris, utcnow

RESIDENT_FIELDS = ("first_name", "last_name", "email", "phone", "account_ref", "family_number", "postal_code",
                   "arrondissement", "civility", "birth_date")


def insert_residents(rows: list[dict], agent_id: int | None) -> list[int]:
    """Create residents (with their `created` history entry); returns their ids in the rows' order."""
    if not rows:
        return []
    now = utcnow()
    values = []
    for row in rows:
        clean = {k: row.get(k) for k in RESIDENT_FIELDS if row.get(k) is not None}
        clean.update(search_name=name_key(clean.get("last_name"), clean.get("first_name")), created_by_id=agent_id,
                     created_at=row.get("created_at") or now, updated_at=now, version=1, needs=[],
                     first_name=clean.get("first_name") or "", last_name=clean.get("last_name") or "")
        values.append(clean)
    ids = list(db.session.execute(insert(Resident).returning(Resident.id, sort_by_parameter_order=True),
                                  values).scalars())
    db.session.execute(insert(ResidentChange), [
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
    next_number = {year: allocate_numbers(year, count) for year, count in sorted(by_year.items())}
    values = []
    for row in rows:
        year = to_paris(row["opened_at"]).year
        value = dict(row)
        value.update(reference=format_reference(year, next_number[year]), created_at=now, updated_at=now, version=1)
        value.setdefault("anonymous", False)
        value.setdefault("payment_assisted", False)
        value.setdefault("protocol_confirmed", False)
        next_number[year] += 1
        values.append(value)
    ids = list(db.session.execute(insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True),
                                  values).scalars())
    changes = {"source": [None, note]} if note else {}
    db.session.execute(insert(TicketEvent), [
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
    table = Resident.__table__
    statement = (update(table).where(table.c.id == bindparam("rid"))
                 .where((table.c.last_contact_at.is_(None)) | (table.c.last_contact_at < bindparam("at")))
                 .values(last_contact_at=bindparam("at")))
    db.session.connection().execute(statement, [{"rid": rid, "at": at} for rid, at in latest.items()])
