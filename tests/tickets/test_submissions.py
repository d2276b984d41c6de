"""The ticket form's one-time token: the same form posted twice (a retry) creates one ticket."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from app.channels.models import Procedure
from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.services import log_ticket
from tests.conftest import text_of
from tests.tickets.helpers import ref, resident


def _count() -> int:
    return db.session.execute(db.select(db.func.count(Ticket.id))).scalar_one()


def _token(page: str) -> str:
    return re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def form_page(reference, client_as):
    client = client_as("counter_agent", "mairie-02")
    person = resident(phone="0611223344")
    page = client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True)
    return client, person, _token(page)


def _fields(token: str, **extra) -> dict:
    return {"procedure_id": ref(Procedure, "critair").id, "mode": "guided", "outcome": "completed",
            "digital_choice": "no_alternative", "status": "closed", "submission_token": token, **extra}


def test_the_same_form_posted_twice_creates_one_ticket(form_page):
    client, person, token = form_page
    first = client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token))
    assert first.status_code == 302 and _count() == 1
    retry = client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token))
    ticket = db.session.execute(db.select(Ticket)).scalar_one()
    assert retry.status_code == 302 and retry.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert _count() == 1
    shown = text_of(client.get(retry.headers["Location"]))
    assert f"Ce formulaire avait déjà été enregistré : ticket {ticket.reference}" in shown


def test_each_new_form_gets_its_own_token_and_logs_its_own_ticket(form_page):
    client, person, token = form_page
    other = _token(client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True))
    assert other != token
    for each in (token, other):
        assert client.post(f"/tickets/new?resident_id={person.id}", data=_fields(each)).status_code == 302
    assert _count() == 2


def test_a_form_refused_then_corrected_keeps_its_token_and_logs_once(form_page):
    client, person, token = form_page
    refused = client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token, payment_assisted="y"))
    assert refused.status_code == 400 and _token(refused.get_data(as_text=True)) == token and _count() == 0
    fixed = _fields(token, payment_assisted="y", protocol_confirmed="y")
    assert client.post(f"/tickets/new?resident_id={person.id}", data=fixed).status_code == 302
    assert client.post(f"/tickets/new?resident_id={person.id}", data=fixed).status_code == 302
    assert _count() == 1


def test_a_saved_form_posted_again_with_a_refused_change_gives_back_its_ticket(form_page):
    client, person, token = form_page
    assert client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token)).status_code == 302
    ticket = db.session.execute(db.select(Ticket)).scalar_one()
    again = client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token, payment_assisted="y"))
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert _count() == 1


def test_the_database_refuses_a_second_ticket_with_the_same_token(form_page):
    client, person, token = form_page
    client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token))
    first = db.session.execute(db.select(Ticket)).scalar_one()
    values = {"resident_id": person.id, "channel_id": first.channel_id, "site_id": first.site_id,
              "procedure_id": first.procedure_id, "device_id": first.device_id, "mode": "guided", "outcome": "completed",
              "digital_choice": "no_alternative", "status": "closed", "submission_token": token}
    with pytest.raises(IntegrityError), db.session.begin_nested():
        log_ticket(values, first.agent)
    assert _count() == 1
