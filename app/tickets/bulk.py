"""Bulk writes of tickets for imports and the pilot data set (`app.files.bulkrows`): few statements, no per-row
flush. Rows are plain dicts already checked by the caller (`checks.ticket_problems`); residents are
created and touched through `app.contacts.bulk`.
"""

from collections import Counter

from app.contacts.bulk import touch_residents
from app.files.bulkrows import insert_rows, reserve_ids
from app.tickets.models import Ticket, TicketEvent
from app.tickets.references import format_reference, reserve_numbers
from app.timeutil import as_utc, to_paris, utcnow

TICKET_COLUMNS = ("external_ref", "resident_id", "anonymous", "channel_id", "site_id", "device_id", "procedure_id",
                  "agent_id", "opened_at", "closed_at", "status", "outcome", "mode", "digital_choice",
                  "requested_procedure_id", "requested_service_text", "payment_assisted", "protocol_confirmed",
                  "protocol_confirmed_by_id", "family_number", "notes", "transferred_from_id", "untrained_agent")


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
    insert_rows(Ticket.__table__, values)
    changes = {"source": [None, note]} if note else {}
    insert_rows(TicketEvent.__table__, [
        {"ticket_id": tid, "agent_id": agent_id, "at": now, "kind": kind, "changes": changes, "ticket_version": 1}
        for tid in ids])
    touch_residents(_latest_contacts(values))
    return ids


def _latest_contacts(rows: list[dict]) -> dict[int, object]:
    """{resident id: the latest opening time of its rows (UTC)}."""
    latest: dict[int, object] = {}
    for row in rows:
        rid, at = row.get("resident_id"), as_utc(row["opened_at"])
        if rid is not None and (rid not in latest or at > latest[rid]):
            latest[rid] = at
    return latest
