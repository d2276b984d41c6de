"""Bulk writes of residents for the ticket import and the pilot data set (`app.files.bulkrows`): few statements,
no per-row flush. Rows are plain dicts already checked by the caller."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import bindparam, text, update

from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import name_key
from app.extensions import db
from app.files.bulkrows import insert_rows, reserve_ids
from app.timeutil import utcnow

RESIDENT_FIELDS = ("first_name", "last_name", "email", "phone", "account_ref", "family_number", "postal_code",
                   "arrondissement", "civility", "birth_date")


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
    insert_rows(Resident.__table__, values)
    insert_rows(ResidentChange.__table__, [
        {"resident_id": rid, "agent_id": agent_id, "at": now, "action": "created", "note": "import",
         "changes": {k: [None, str(v)] for k, v in value.items() if k in RESIDENT_FIELDS and v not in (None, "")}}
        for rid, value in zip(ids, values, strict=True)])
    return ids


def touch_residents(latest: Mapping[int, datetime]) -> None:
    """Set each resident's last contact time to `latest[id]` (UTC) unless it is later already: the bulk
    `touch_resident`, in one statement on PostgreSQL (executemany goes row by row)."""
    if not latest:
        return
    if db.session.get_bind().dialect.name == "postgresql":
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
