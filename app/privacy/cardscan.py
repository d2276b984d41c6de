"""Card numbers already stored: find them in every text and JSON column of every table, and mask them.

`flask --app app privacy scan-cards [--mask]` calls these. The scan reads each table's text columns
with the storage guard's own test (`app.cards.guard.holds_card_number`, i.e. the one detector of
`app.cards.detector`) and reports table, row id and column, never the value. Masking rewrites exactly
those values (each number replaced by the mask, everything around it kept) with Core updates in the
caller's transaction, and records one audit entry. This is the one writer that crosses domains: it
repairs data at rest, whoever wrote it, and no domain service could see another's columns.

Audit entries are immutable in the database (trigger of migrations 0006/0015); the audit domain opens
them for the masking, in the same transaction (`app.audit.masking.masking_window`).
"""

from dataclasses import dataclass

from sqlalchemy import JSON, String, Text, and_, select, update

from app.audit.actor import Actor
from app.audit.masking import masking_window
from app.audit.services import record
from app.cards.guard import holds_card_number, mask_value
from app.extensions import db

BATCH = 1000
LISTED_IN_AUDIT = 200  # locations named in the audit entry's detail (ids and column names, no value)


@dataclass(frozen=True)
class CardHit:
    """One stored value holding a card number: where it is, never what it is."""

    table: str
    row_id: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}\t{self.row_id}\t{self.column}"


def _text_columns(table) -> list:
    return [column for column in table.columns if isinstance(column.type, String | Text | JSON)]


def scan_card_numbers() -> list[CardHit]:
    """Every (table, row id, column) of the database whose value holds a card number."""
    hits = []
    for table in db.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        query = select(*keys, *columns).order_by(*keys).execution_options(yield_per=BATCH)
        for row in db.session.execute(query):
            row_id = "/".join(str(value) for value in row[:len(keys)])
            for column, value in zip(columns, row[len(keys):], strict=True):
                if holds_card_number(value):
                    hits.append(CardHit(table.name, row_id, column.name))
    return hits


def mask_stored_card_numbers(hits: list[CardHit], actor: Actor) -> int:
    """Replace each card number of `hits` by the mask (values re-read, so nothing else changes) and record
    an audit entry for `actor`. Flushes in the caller's transaction, which commits or rolls back everything at once.
    Returns the number of values masked."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    by_row: dict[tuple[str, str], list[str]] = {}
    for hit in hits:
        by_row.setdefault((hit.table, hit.row_id), []).append(hit.column)
    masked = 0
    with masking_window(needed=any(hit.table == "audit_entries" for hit in hits)):
        for (table_name, row_id), names in by_row.items():
            table = tables[table_name]
            keys = list(table.primary_key.columns)
            where = and_(*(key == key.type.python_type(part)
                           for key, part in zip(keys, row_id.split("/"), strict=True)))
            current = db.session.execute(select(*(table.c[name] for name in names)).where(where)).one()
            values = {name: mask_value(value) for name, value in zip(names, current, strict=True)}
            masked += db.session.execute(update(table).where(where).values(**values)).rowcount * len(names)
    record("privacy.cards_masked", actor, object_type="database",
           detail={"masked": masked, "columns": sorted({f"{h.table}.{h.column}" for h in hits}),
                   "rows": [f"{h.table}/{h.row_id}/{h.column}" for h in hits[:LISTED_IN_AUDIT]]})
    db.session.flush()
    return masked
