"""A search sends only the look-ups its text can match: a full name is never looked up as an identifier."""

import pytest
from sqlalchemy import event

from app.contacts.queries import may_be_identifier, search_residents
from app.contacts.services import create_resident
from app.extensions import db


@pytest.fixture
def claire(app):
    person = create_resident({"last_name": "Martin", "first_name": "Claire", "phone": "06 12 34 56 78",
                              "account_ref": "CP-OLD"})
    db.session.commit()
    return person


def _statements_of(q: str) -> tuple[list, list[str]]:
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
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
    assert not [s for s in sent if "account_ref" in s and "family_number" in s and "UNION" in s.upper()]


@pytest.mark.parametrize("typed", ["CP-OLD", "cp-old", "06 12 34 56 78", "0612345678"])
def test_identifiers_are_still_looked_up(claire, typed):
    assert [r.id for r in search_residents(typed)] == [claire.id]


@pytest.mark.parametrize(("typed", "may_be"), [
    ("Martin Claire", False), ("jean pierre", False), ("martin", True), ("CP-OLD", True),
    ("06 12 34 56 78", True), ("claire@example.org", True), ("FF 778812", True),
])
def test_only_words_with_spaces_and_no_digit_skip_the_identifiers(typed, may_be):
    assert may_be_identifier(typed) is may_be
