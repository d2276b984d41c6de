"""Cost of the card-number storage guard per statement: the same INSERTs with and without the listener.

    .venv/bin/python -m bench.card_guard [--rows 20000]

An in-memory SQLite table shaped like a ticket's text columns; three kinds of rows: short codes only,
a typical note (a date, a time and a phone number: the pre-filter lets it through to the detector),
and a long note without digits. Reported: microseconds per single-row INSERT and per row of one
executemany, guard off and on.
"""

import argparse
import time

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event, insert
from sqlalchemy.engine import Engine

from app.cards.guard import _check_statement

ROWS = {
    "codes only": {"reference": "2017-000123", "status": "closed", "outcome": "completed", "notes": None},
    "note with a date and a phone": {"reference": "2017-000124", "status": "closed", "outcome": "completed",
                                     "notes": "Rappel le 12/03/2017 à 10:30 au 06 12 34 56 78, dossier 2017-000123."},
    "long note, no digits": {"reference": "2017-000125", "status": "open", "outcome": "partial",
                             "notes": "L'usager souhaite être rappelé. " * 60},
}


def _table():
    metadata = MetaData()
    table = Table("tickets", metadata, Column("id", Integer, primary_key=True), Column("reference", String(20)),
                  Column("status", String(20)), Column("outcome", String(20)), Column("notes", Text))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    return engine, table


def _timed(engine, table, row, count: int, many: bool) -> float:
    with engine.begin() as connection:
        start = time.perf_counter()
        if many:
            connection.execute(insert(table), [row] * count)
        else:
            statement = insert(table)
            for _ in range(count):
                connection.execute(statement, row)
        return (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    count = parser.parse_args().rows
    engine, table = _table()
    print(f"{'row':32} {'mode':12} {'off µs':>8} {'on µs':>8} {'cost µs':>8}")
    for name, row in ROWS.items():
        for many in (False, True):
            if event.contains(Engine, "before_cursor_execute", _check_statement):
                event.remove(Engine, "before_cursor_execute", _check_statement)
            _timed(engine, table, row, count // 10, many)  # warm up
            off = min(_timed(engine, table, row, count, many) for _ in range(3))
            event.listen(Engine, "before_cursor_execute", _check_statement)
            on = min(_timed(engine, table, row, count, many) for _ in range(3))
            print(f"{name:32} {'executemany' if many else 'single':12} {off:8.1f} {on:8.1f} {on - off:8.1f}")


if __name__ == "__main__":
    main()
