"""The storage guard at the engine: every INSERT and UPDATE, whatever issues it, is read for card numbers."""

import hashlib

import pytest
from sqlalchemy import insert, text

from app.auth.models import Agent
from app.cards.detector import CARD_MASK, contains_card_number
from app.cards.guard import CardNumberStorageError, holds_card_number, mask_value
from app.channels.models import Device
from app.extensions import db
from app.tickets.models import TicketEvent
from app.tickets.services import log_ticket
from app.timeutil import utcnow
from tests.tickets.helpers import counter_values, ref, resident


def test_an_orm_change_of_any_table_is_refused_naming_table_and_column(reference):
    ref(Device, "kiosk").label = "Borne 4111\u00a01111\u00a01111\u00a01111"
    with pytest.raises(CardNumberStorageError) as caught:
        db.session.flush()
    assert caught.value.where == [("devices", "label")]
    assert caught.value.message.startswith("Libellé : Ce champ semble contenir un numéro de carte bancaire")
    assert "4111" not in str(caught.value) + caught.value.message
    db.session.rollback()


@pytest.fixture
def ticket(make_agent, reference):
    agent = make_agent("counter_agent", site_code="mairie-02")
    made = log_ticket(counter_values(resident()), agent)
    db.session.flush()
    return made


def _events(ticket, *changes):
    return [{"ticket_id": ticket.id, "at": utcnow(), "kind": "note", "changes": c, "ticket_version": 1} for c in changes]


def test_a_bulk_insert_is_refused_when_one_row_holds_a_card_in_a_json_leaf(ticket):
    rows = _events(ticket, {"notes": [None, "rien"]}, {"notes": [None, ["carte", "5555 5555 5555 4444"]]})
    with pytest.raises(CardNumberStorageError) as caught:
        db.session.execute(insert(TicketEvent.__table__), rows)
    assert caught.value.where == [("ticket_events", "changes")]
    db.session.rollback()


def test_numbers_of_a_json_document_are_read_one_by_one(ticket):
    counts = {"by_day": [4111, 1111, 1111, 1111], "total": 7444}  # separate counts, no card
    db.session.execute(insert(TicketEvent.__table__), _events(ticket, counts))
    with pytest.raises(CardNumberStorageError):
        db.session.execute(insert(TicketEvent.__table__), _events(ticket, {"n": 4111111111111111}))
    db.session.rollback()


def test_sql_text_and_driver_sql_are_read_too(reference):
    device = ref(Device, "kiosk")
    with pytest.raises(CardNumberStorageError) as caught:
        db.session.execute(text("UPDATE devices SET label = :label WHERE id = :id"),
                           {"label": "4111 1111 1111 1111", "id": device.id})
    assert caught.value.where == [("devices", "label")]
    db.session.rollback()
    marker = "%s" if db.session.get_bind().dialect.name == "postgresql" else "?"
    with pytest.raises(CardNumberStorageError):
        db.session.connection().exec_driver_sql(f"UPDATE devices SET label = {marker} WHERE id = {marker}",
                                                ("CB 3782-822463-10005", device.id))
    db.session.rollback()


def test_machine_tokens_are_no_typed_text(app):
    # One SHA-256 digest in a few hundred holds a run of digits that would pass for a card in typed text.
    digest = next(h for h in (hashlib.sha256(str(i).encode()).hexdigest() for i in range(20000))
                  if contains_card_number(h))
    assert not holds_card_number(digest)
    assert not holds_card_number("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$4111111111111111aGFzaA")
    assert holds_card_number("carte 4111111111111111 " + "a" * 40)


def test_a_read_is_never_slowed_by_the_guard(app):
    assert db.session.execute(text("SELECT '4111 1111 1111 1111'")).scalar_one() == "4111 1111 1111 1111"
    assert db.session.execute(db.select(db.func.count(Agent.id))).scalar_one() == 0


def test_a_chart_is_read_by_its_text_not_its_coordinates(app):
    chart = ('<svg viewBox="0 0 640 360"><path d="M 40.5 300 L 4111 1111 1111 1111 L 5555,5555,5555,4444"/>'
             '<text x="12" y="40">Mairie du 12e</text><text>412</text><text>3877</text></svg>')
    assert not holds_card_number(chart) and mask_value(chart) == chart
    carded = chart.replace("Mairie du 12e", "Mairie 4111 1111 1111 1111")
    assert holds_card_number(carded)
    assert mask_value(carded) == chart.replace("Mairie du 12e", f"Mairie {CARD_MASK}")


def test_a_write_inside_a_common_table_expression_is_read_too(reference):
    device = ref(Device, "kiosk")
    with pytest.raises(CardNumberStorageError):
        db.session.execute(text("WITH target AS (SELECT :id AS id) UPDATE devices SET label = :label "
                                "WHERE id IN (SELECT id FROM target)"), {"label": "4111 1111 1111 1111", "id": device.id})
    db.session.rollback()
