"""What one ticket post costs the database, and the pickers served from the per-process snapshot."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from app.channels import cache
from app.channels.models import Procedure
from app.extensions import db
from app.tickets import references
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.tickets.helpers import ref, resident

STATEMENT_BUDGET = 6  # issue 19: a valid post of a known caller
TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN|COMMIT)\b", re.I)


@contextmanager
def counted_statements():
    """The SQL statements sent to the database meanwhile (transaction control left out)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _many):
        if not TRANSACTION_CONTROL.match(statement):
            statements.append(" ".join(statement.split())[:90])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _post_call(client, person, procedure_id):
    return client.post(f"/tickets/new?resident_id={person.id}", data={
        "procedure_id": procedure_id, "outcome": "completed", "status": "closed"})


def test_a_3975_call_for_a_known_caller_is_saved_in_at_most_six_statements(client_as, reference):
    person = resident(last_name="Lefèvre", first_name="Marie", phone="06 11 22 33 44")
    db.session.commit()
    client = client_as("operator_3975")
    procedure_id = ref(Procedure, "bulky-waste").id
    assert _post_call(client, person, procedure_id).status_code == 302  # the process's first post loads the snapshot
    with counted_statements() as statements:
        response = _post_call(client, person, procedure_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contacts/{person.id}")
    # SQLite has no sequences: the year's counter row is one statement more there (a single writer).
    counter = [s for s in statements if "ticket_sequences" in s]
    assert len(statements) - len(counter) <= STATEMENT_BUDGET, statements
    assert len(counter) == (0 if db.engine.dialect.name == "postgresql" else 1), statements
    assert not [s for s in statements if "FROM procedures" in s or "FROM channels" in s or "FROM sites" in s]
    tickets = db.session.execute(db.select(Ticket).where(Ticket.resident_id == person.id)).scalars().all()
    assert len(tickets) == 2 and len({t.reference for t in tickets}) == 2
    assert all(re.fullmatch(r"\d{4}-\d{6}", t.reference) for t in tickets)


def test_a_procedure_the_admin_deactivates_leaves_the_pickers_at_once(client_as, reference):
    person = resident()
    db.session.commit()
    agent = client_as("operator_3975")
    admin = client_as("admin")
    procedure = ref(Procedure, "bulky-waste")
    label = procedure.label
    assert label in text_of(agent.get(f"/tickets/new?resident_id={person.id}"))
    response = admin.post(f"/admin/reference/procedures/{procedure.id}/deactivate")
    assert response.status_code == 302
    assert label not in text_of(agent.get(f"/tickets/new?resident_id={person.id}"))


def test_a_procedure_changed_by_another_process_shows_once_it_says_so(client_as, reference, redis_conn):
    person = resident()
    db.session.commit()
    agent = client_as("operator_3975")
    procedure = ref(Procedure, "bulky-waste")
    assert procedure.label in text_of(agent.get(f"/tickets/new?resident_id={person.id}"))
    # Another worker renames it: its commit bumps the shared version in Redis; this process's
    # snapshot is dropped at its next check.
    db.session.execute(text("UPDATE procedures SET label = 'Encombrants (nouveau libellé)' WHERE id = :i"),
                       {"i": procedure.id})
    db.session.commit()
    redis_conn.incr(cache.VERSION_KEY)
    cache._checked_at.clear()  # as if CHECK_SECONDS had passed
    assert "Encombrants (nouveau libellé)" in text_of(agent.get(f"/tickets/new?resident_id={person.id}"))


def test_a_year_s_sequence_starts_after_the_numbers_already_given(app, database_url):
    """Numbers given before the sequence existed (the counter row, imported references) are never given again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("sequences are PostgreSQL's; SQLite numbers from the counter row")
    with app.app_context():
        engine = db.engine
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO ticket_sequences (year, last) VALUES (2998, 41)"))
    try:
        first = references.reserve_numbers(2998, 3)
        assert first == [42, 43, 44]
        assert references.reserve_numbers(2998, 1) == [45]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM ticket_sequences WHERE year = 2998"))
        # The sequence stays (the test's transaction used it); the suite's schema is rebuilt at each run.
