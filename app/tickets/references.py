"""Human ticket references `YYYY-NNNNNN`, numbered per year without gaps between concurrent workers."""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.tickets.models import TicketSequence


def allocate_numbers(year: int, count: int = 1, session=None) -> int:
    """Reserve `count` consecutive numbers for `year`; returns the first.

    One `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement: the row lock it takes makes
    concurrent callers (several gunicorn workers on PostgreSQL) wait for each other, never share a number.
    """
    session = session or db.session
    dialect = session.get_bind().dialect.name
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
