"""Human ticket references `YYYY-NNNNNN`, numbered per year, never twice, across concurrent workers.

A number taken by a save that is then rolled back is not given again (a gap), as with any sequence.
"""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.tickets.models import TicketSequence


def allocate_numbers(year: int, count: int = 1, session=None) -> int:
    """Reserve `count` consecutive numbers for `year`; returns the first.

    One `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement: the row lock it takes makes
    concurrent callers (several gunicorn workers on PostgreSQL) wait for each other, never share a number.
    On PostgreSQL, without an explicit `session`, it runs in a transaction of its own, committed at once:
    the year's row stays locked for that statement only, not until the ticket's own commit, so agents
    saving at the same moment do not queue behind each other's whole save (measured in bench/RESULTS.md).
    SQLite has a single writer anyway: there it stays in the caller's transaction.
    """
    if session is None and db.session.get_bind().dialect.name == "postgresql":
        with db.engine.begin() as connection:
            return _allocate(connection, year, count)
    return _allocate(session or db.session, year, count)


def _allocate(session, year: int, count: int) -> int:
    bind = session.get_bind() if hasattr(session, "get_bind") else session
    dialect = bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = TicketSequence.__table__
    statement = insert(table).values(year=year, last=count)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last": table.c.last + count}
    ).returning(table.c.last)
    last = session.execute(statement).scalar_one()
    return last - count + 1


def format_reference(year: int, number: int) -> str:
    """2017, 123 -> '2017-000123'."""
    return f"{year}-{number:06d}"


def next_reference(year: int) -> str:
    """Allocate and format the next reference of `year`."""
    return format_reference(year, allocate_numbers(year))
