"""Human ticket references `YYYY-NNNNNN`, numbered per year, never twice, across concurrent workers.

PostgreSQL: one sequence per year (`ticket_numbers_<year>`, created the first time a year is met,
starting after the year's highest number already given). `nextval` takes no row lock and is not
undone by a rollback, so agents saving at the same moment never wait for each other's transaction;
a number taken by a save that is then rolled back is not given again (a gap, accepted). A form's
ticket takes its number inside its own INSERT (`reference_value`): no statement of its own.

SQLite has a single writer: the year's row of `ticket_sequences` is taken in the caller's transaction.
"""

import logging

from sqlalchemy import literal_column, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from app.digits import is_ascii_number
from app.extensions import db
from app.tickets.models import TicketSequence

logger = logging.getLogger(__name__)

SEQUENCE_PREFIX = "ticket_numbers_"
_known_sequences: set[tuple[str, int]] = set()  # (database URL, year) seen to exist, in this process


def format_reference(year: int, number: int) -> str:
    """2017, 123 -> '2017-000123'."""
    return f"{year}-{number:06d}"


def sequence_name(year: int) -> str:
    """The PostgreSQL sequence of `year`'s numbers."""
    return f"{SEQUENCE_PREFIX}{int(year)}"


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _highest_given(connection, year: int) -> int:
    """The year's highest number already given: its `ticket_sequences` row or its tickets' references."""
    counter = connection.execute(text("SELECT last FROM ticket_sequences WHERE year = :y"), {"y": year}).scalar()
    # References of the year sort by length then text, so the last one holds the highest number.
    reference = connection.execute(text(
        "SELECT reference FROM tickets WHERE reference LIKE :prefix ORDER BY length(reference) DESC, "
        "reference DESC LIMIT 1"), {"prefix": f"{year}-%"}).scalar()
    number = int(reference.split("-", 1)[1]) if reference and is_ascii_number(reference.split("-", 1)[1]) else 0
    return max(counter or 0, number)


def ensure_sequence(year: int) -> str:
    """Create `year`'s sequence if it does not exist yet (own transaction, committed at once); its name."""
    name = sequence_name(year)
    key = (str(db.engine.url), int(year))
    if key in _known_sequences:
        return name
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is None:
            start = _highest_given(connection, year) + 1
            try:
                connection.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}"))
                logger.info("Ticket references of %s: sequence %s created, starting at %s", year, name, start)
            except DBAPIError:  # another worker created it at the same instant
                if connection.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is None:
                    raise
    _known_sequences.add(key)
    return name


def forget_sequences() -> None:
    """Forget which sequences exist (after a database was recreated under a running process)."""
    _known_sequences.clear()


def reference_value(year: int):
    """What a new ticket's `reference` is set to: on PostgreSQL, a SQL expression its INSERT evaluates.

    The INSERT takes the number from the year's sequence and returns the reference (RETURNING), so the
    ticket is numbered without a statement of its own and without holding any lock.
    """
    if not _is_postgresql():
        return next_reference(year)
    name = ensure_sequence(year)
    return literal_column(f"'{int(year)}-' || (SELECT lpad(n::text, greatest(6, length(n::text)), '0') "
                          f"FROM nextval('{name}') AS n)")


def reserve_numbers(year: int, count: int) -> list[int]:
    """`count` distinct numbers of `year`, ascending (consecutive on SQLite; possibly not on PostgreSQL)."""
    if count <= 0:
        return []
    if _is_postgresql():
        name = ensure_sequence(year)
        return sorted(db.session.execute(text(f"SELECT nextval('{name}') FROM generate_series(1, :n)"),  # noqa: S608
                                         {"n": count}).scalars())
    first = allocate_numbers(year, count)
    return list(range(first, first + count))


def allocate_numbers(year: int, count: int = 1, session=None) -> int:
    """Reserve `count` consecutive numbers for `year` on the `ticket_sequences` row; returns the first.

    One `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement, in the caller's transaction (the
    row lock makes concurrent callers wait, never share a number). New tickets on PostgreSQL use the
    year's sequence instead (`reference_value`, `reserve_numbers`); this is SQLite's counter.
    """
    session = session or db.session
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


def next_reference(year: int) -> str:
    """Allocate and format the next reference of `year` from the `ticket_sequences` counter."""
    return format_reference(year, allocate_numbers(year))
