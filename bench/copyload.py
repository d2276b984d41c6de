"""Loading generated rows through PostgreSQL COPY, with secondary indexes rebuilt after the load.

The rows are written as COPY text: columns separated by tabs, NULL as `\\N`. Generated values never
contain a tab, a newline or a backslash, so no escaping is needed.
"""

import threading
from dataclasses import dataclass

import psycopg
from psycopg.copy import QueuedLibpqWriter

NULL = "\\N"
CHUNK_ROWS = 200_000


@dataclass
class IndexDef:
    """A secondary index (or the unique constraint behind it) to drop before a load and rebuild after."""

    table: str
    name: str
    create_sql: str
    drop_sql: str


def secondary_indexes(conn: psycopg.Connection, tables: list[str]) -> list[IndexDef]:
    """Every index of `tables` except primary keys, with the SQL to drop and recreate it."""
    rows = conn.execute(
        """
        SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), c.conname, pg_get_constraintdef(c.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('u', 'x')
        WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.indexrelid)
        ORDER BY t.relname, i.relname
        """, (tables,)).fetchall()
    found = []
    for table, name, index_sql, constraint, constraint_sql in rows:
        if constraint:
            found.append(IndexDef(table, name, f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {constraint_sql}',
                                  f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"'))
        else:
            found.append(IndexDef(table, name, index_sql, f'DROP INDEX "{name}"'))
    return found


def rebuild_indexes(dsn: str, indexes: list[IndexDef], workers: int = 2, on_done=None) -> None:
    """Create the indexes on `workers` connections at once, GIN (the slowest) first."""
    pending = sorted(indexes, key=lambda d: (" gin " not in d.create_sql.lower(), d.table != "tickets"))
    lock = threading.Lock()
    errors: list[Exception] = []

    def work():
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 0")
            while True:
                with lock:
                    if not pending or errors:
                        return
                    index = pending.pop(0)
                try:
                    conn.execute(index.create_sql)
                except psycopg.Error as exc:
                    errors.append(exc)
                    return
                if on_done:
                    on_done(index)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def copy_rows(cur: psycopg.Cursor, table: str, columns: list[str], chunks, progress=None) -> int:
    """COPY the text chunks produced by `chunks` (an iterator of (text, row count)) into `table` (FREEZE)."""
    sql = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FREEZE)'
    total = 0
    with cur.copy(sql, writer=QueuedLibpqWriter(cur)) as copy:
        for text, count in chunks:
            copy.write(text.encode())
            total += count
            if progress is not None:
                progress.update(count)
    return total


def lines(columns: list) -> str:
    """Join column lists (COPY text values, NULL already as `\\N`) into COPY text lines."""
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def lookup(values, null_at: int = -1):
    """An object array to turn integer codes into strings: codes equal to `null_at` become NULL."""
    import numpy as np

    table = np.array([NULL] + [str(v) for v in values], dtype=object)
    return lambda codes: table[np.where(codes == null_at, 0, codes + 1)].tolist()


def id_strings(size: int):
    """Integer ids 0..size-1 as strings, -1 as NULL."""
    return lookup(range(size))
