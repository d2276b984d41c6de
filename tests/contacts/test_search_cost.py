"""A search sends only the look-ups its text can match: a full name is never looked up as an identifier."""

import re

import pytest
from sqlalchemy import event

from app.contacts.search import may_be_identifier, search_residents
from app.contacts.services import create_resident
from app.extensions import db

# A WHERE condition on an identifier column (what the identifier look-ups send; the shown columns are
# also *read* by every search statement, so their names alone say nothing).
IDENTIFIER_CONDITION = re.compile(r"\b(account_ref|family_number|email|phone|phone_alt)\s*(=|IN\b)", re.I)
TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN|COMMIT)\b", re.I)


@pytest.fixture
def claire(app):
    person = create_resident({"last_name": "Martin", "first_name": "Claire", "phone": "06 12 34 56 78",
                              "account_ref": "CP-OLD"})
    db.session.commit()
    return person


def _statements_of(q: str) -> tuple[list, list[str]]:
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not TRANSACTION_CONTROL.match(statement):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = search_residents(q)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return found, sent


def test_a_full_name_is_found_without_any_identifier_look_up(claire):
    found, sent = _statements_of("Martin Claire")
    assert [r.id for r in found] == [claire.id]
    assert not [s for s in sent if IDENTIFIER_CONDITION.search(s)]


@pytest.mark.parametrize("typed", ["Martin Claire", "claire martin", "MARTIN claire"])
def test_a_full_name_costs_one_statement_in_either_order(claire, typed):
    """Both orders of the words are read at once, and no identifier look-up goes with them."""
    found, sent = _statements_of(typed)
    assert [r.id for r in found] == [claire.id]
    assert len(sent) == 1, sent
    assert not IDENTIFIER_CONDITION.search(sent[0])


@pytest.mark.parametrize("typed", ["CP-OLD", "06 12 34 56 78", "claire.martin@example.org"])
def test_an_identifier_costs_one_statement(claire, typed):
    found, sent = _statements_of(typed)
    assert len(sent) == 1, sent
    assert IDENTIFIER_CONDITION.search(sent[0])
    assert [r.id for r in found] == ([] if "@" in typed else [claire.id])


def test_a_single_word_is_looked_up_as_identifier_and_name_in_one_statement(claire):
    """"martin" may be a reference (references need not hold a digit): both in one round trip, then only
    the look-up of the words it may be a typo of."""
    found, sent = _statements_of("martin")
    assert [r.id for r in found] == [claire.id]
    assert len(sent) == 2, sent
    assert IDENTIFIER_CONDITION.search(sent[0]) and "search_name LIKE" in sent[0]
    assert not IDENTIFIER_CONDITION.search(sent[1])


@pytest.mark.parametrize("typed", ["CP-OLD", "cp-old", "06 12 34 56 78", "0612345678"])
def test_identifiers_are_still_looked_up(claire, typed):
    assert [r.id for r in search_residents(typed)] == [claire.id]


@pytest.mark.parametrize(("typed", "may_be"), [
    ("Martin Claire", False), ("jean pierre", False), ("martin", True), ("CP-OLD", True),
    ("06 12 34 56 78", True), ("claire@example.org", True), ("FF 778812", True),
])
def test_only_words_with_spaces_and_no_digit_skip_the_identifiers(typed, may_be):
    assert may_be_identifier(typed) is may_be
