"""Bulk inserts for imports and the pilot data set: few statements, no per-row flush.

Used by the domains' bulk writers (`app.tickets.bulk`, `app.contacts.bulk`), each for its own tables.
The storage guard (`app.cards.guard`) sees the executemany inserts; COPY bypasses the cursor, so
`insert_rows` checks its rows itself.
"""

import json

from sqlalchemy import JSON, insert, text

from app.cards.guard import refuse_card_rows
from app.extensions import db


def insert_rows(table, rows: list[dict]) -> None:
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
    db.session.execute(text(f"UPDATE {table} SET id = id WHERE id < 0"))  # noqa: S608 - a table name of ours
    start = db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one() + 1  # noqa: S608
    return list(range(start, start + count))
