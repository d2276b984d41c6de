"""Logging and updating tickets: references, rules, card numbers, payment protocol, history, locking."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.cards.guard import CardNumberStorageError
from app.channels.models import Channel, Procedure, Site
from app.contacts.models import Resident
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.models import Ticket, TicketEvent
from app.tickets.references import allocate_numbers
from app.tickets.services import StaleTicketError, log_ticket, update_ticket
from tests.tickets.helpers import counter_values, ref, resident


@pytest.fixture
def agent(make_agent, reference):
    return make_agent("counter_agent", site_code="mairie-02")


def test_logged_ticket_gets_a_yearly_reference_and_a_creation_event(agent):
    person = resident()
    first = log_ticket(counter_values(person), agent)
    second = log_ticket(counter_values(person), agent)
    year = first.opened_at.year
    assert first.reference.startswith(f"{year}-") and len(first.reference) == 11
    assert int(second.reference[5:]) == int(first.reference[5:]) + 1
    events = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == first.id)).scalars().all()
    assert [e.kind for e in events] == ["created"]
    assert events[0].changes["channel_id"] == [None, first.channel_id]
    assert events[0].agent_id == agent.id


def test_logging_a_ticket_sets_the_residents_last_contact(agent):
    person = resident()
    ticket = log_ticket(counter_values(person), agent)
    db.session.refresh(person)
    assert person.last_contact_at is not None
    assert abs((person.last_contact_at - ticket.opened_at).total_seconds()) < 1


@pytest.mark.parametrize("field", ["notes", "requested_service_text", "family_number"])
def test_card_number_in_any_free_text_is_refused_naming_the_field(agent, field):
    person = resident()
    with pytest.raises(TicketError) as caught:
        log_ticket(counter_values(person, **{field: "carte 4111 1111 1111 1111 merci"}), agent)
    assert caught.value.field == field
    assert "carte bancaire" in caught.value.message
    assert "4111" not in str(caught.value)
    assert db.session.execute(db.select(Ticket.id)).first() is None


def test_sixteen_digits_failing_luhn_are_accepted(agent):
    ticket = log_ticket(counter_values(resident(), notes="dossier 4111 1111 1111 1112"), agent)
    assert ticket.notes == "dossier 4111 1111 1111 1112"


def test_flush_guard_refuses_a_card_number_set_outside_the_services(agent):
    ticket = log_ticket(counter_values(resident()), agent)
    db.session.flush()
    ticket.notes = "4111-1111-1111-1111"
    with pytest.raises(CardNumberStorageError) as caught:
        db.session.flush()
    assert caught.value.field == "notes"
    db.session.rollback()


def test_assisted_payment_requires_the_protocol_and_records_who_confirmed(agent):
    person = resident()
    critair = ref(Procedure, "critair").id
    with pytest.raises(TicketError) as caught:
        log_ticket(counter_values(person, procedure_id=critair, payment_assisted=True), agent)
    assert caught.value.field == "protocol_confirmed"
    ticket = log_ticket(counter_values(person, procedure_id=critair, payment_assisted=True,
                                       protocol_confirmed=True), agent)
    assert ticket.protocol_confirmed and ticket.protocol_confirmed_by_id == agent.id


def test_channel_rules_are_refused_with_the_field_named(agent):
    person = resident()
    with pytest.raises(TicketError) as caught:
        log_ticket(counter_values(person, device_id=None), agent)
    assert caught.value.field == "device_id"
    with pytest.raises(TicketError) as caught:
        log_ticket({"resident_id": person.id, "channel_id": ref(Channel, "phone_3975").id,
                    "site_id": ref(Site, "mairie-02").id}, agent)
    assert caught.value.field == "site_id"
    with pytest.raises(TicketError) as caught:
        log_ticket({"resident_id": person.id, "channel_id": ref(Channel, "facil_familles").id,
                    "site_id": ref(Site, "facil-familles").id}, agent)
    assert caught.value.field == "family_number"


def test_ticket_needs_a_resident_or_the_anonymous_flag(agent):
    values = counter_values(resident())
    values.pop("resident_id")
    with pytest.raises(TicketError) as caught:
        log_ticket(values, agent)
    assert caught.value.field == "resident_id"
    assert log_ticket({**values, "anonymous": True}, agent).resident_id is None


def test_update_records_old_and_new_values(agent):
    ticket = log_ticket(counter_values(resident()), agent)
    update_ticket(ticket, {"outcome": "completed", "mode": "guided"}, agent, expected_version=ticket.version)
    event = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                            TicketEvent.kind == "updated")).scalar_one()
    assert event.changes == {"outcome": [None, "completed"], "mode": [None, "guided"]}
    assert event.ticket_version == ticket.version == 2


def test_second_agent_saving_an_old_version_is_refused_with_what_changed(agent, make_agent):
    other = make_agent("counter_agent", site_code="mairie-02")
    ticket = log_ticket(counter_values(resident()), agent)
    seen = ticket.version
    update_ticket(ticket, {"outcome": "completed", "notes": "Pièces vérifiées"}, agent, expected_version=seen)
    with pytest.raises(StaleTicketError) as caught:
        update_ticket(ticket, {"outcome": "abandoned", "notes": "Usager parti"}, other, expected_version=seen)
    conflicts = {c[0]: c for c in caught.value.conflicts}
    assert set(conflicts) == {"outcome", "notes"}
    assert conflicts["outcome"][2:] == ("Démarche aboutie", "Abandon")
    assert conflicts["notes"][2:] == ("Pièces vérifiées", "Usager parti")
    assert ticket.outcome == "completed"
    # Reconciled: saved against the version shown with the conflict.
    update_ticket(ticket, {"outcome": "completed", "notes": "Pièces vérifiées ; usager parti ensuite"}, other,
                  expected_version=caught.value.current_version)
    assert ticket.notes.endswith("ensuite")


def test_history_masks_note_contents(agent):
    ticket = log_ticket(counter_values(resident(), notes="Mme a perdu son titre de séjour"), agent)
    event = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).scalar_one()
    assert event.changes["notes"] == [None, "(texte)"]


def test_updated_at_moves_on_every_write(agent):
    ticket = log_ticket(counter_values(resident()), agent)
    first = ticket.updated_at
    update_ticket(ticket, {"mode": "together"}, agent, expected_version=ticket.version)
    assert ticket.updated_at >= first and ticket.version == 2


def test_reference_numbers_are_unique_under_concurrent_workers(app, database_url):
    """Eight threads, own connections, each committing references: no number is given twice."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock concurrency is a PostgreSQL matter; SQLite serialises writers")
    got, errors = [], []

    def work():
        try:
            with app.app_context():
                engine = db.engine
            for _ in range(10):
                with Session(engine) as session, session.begin():
                    got.append(allocate_numbers(2999, session=session))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        assert sorted(got) == list(range(1, 81))
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM ticket_sequences WHERE year = 2999"))


def test_resident_keeps_last_contact_when_an_older_ticket_is_logged(agent):
    person = resident()
    log_ticket(counter_values(person), agent)
    db.session.refresh(person)
    latest = person.last_contact_at
    log_ticket(counter_values(person, opened_at=datetime(2017, 1, 5, 10, tzinfo=UTC), status="closed"), agent)
    assert db.session.get(Resident, person.id).last_contact_at == latest
