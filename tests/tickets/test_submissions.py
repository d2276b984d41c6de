"""The ticket form's one-time token: the same form posted twice (a retry) creates one ticket."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from app.channels.models import Device, Procedure
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
    return {"procedure_id": ref(Procedure, "critair").id, "device_id": ref(Device, "kiosk").id, "mode": "guided", "outcome": "completed",
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


def test_back_after_a_save_shows_the_same_form_which_saves_no_second_ticket(form_page):
    client, person, token = form_page
    page = client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True)
    fresh = _token(page)
    assert f'action="/tickets/new?resident_id={person.id}&amp;form={fresh}"' in page  # the rendering's own URL
    saved = client.post(f"/tickets/new?resident_id={person.id}&form={fresh}", data=_fields(fresh))
    assert saved.status_code == 302 and _count() == 1
    ticket = db.session.execute(db.select(Ticket)).scalar_one()
    back = client.get(f"/tickets/new?resident_id={person.id}&form={fresh}")  # what Back shows again
    assert back.status_code == 200 and _token(back.get_data(as_text=True)) == fresh
    assert f"Ce formulaire a déjà été enregistré : ticket {ticket.reference}" in text_of(back)
    assert f'href="/tickets/{ticket.id}"' in back.get_data(as_text=True)
    for data in (_fields(fresh), {"submission_token": fresh}):  # restored by the browser, or emptied
        again = client.post(f"/tickets/new?resident_id={person.id}&form={fresh}", data=data)
        assert again.status_code == 302 and again.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert _count() == 1
    assert "Ce formulaire avait déjà été enregistré" in text_of(client.get(f"/tickets/{ticket.id}"))


@pytest.mark.parametrize("token", ["", "court", "x" * 65, "<script>", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨"])
def test_a_form_url_without_a_well_formed_token_gets_a_new_one(form_page, token):
    client, person, _ = form_page
    page = client.get(f"/tickets/new?resident_id={person.id}&form={token}").get_data(as_text=True)
    assert _token(page) != token and "déjà été enregistré" not in page


def test_an_empty_counter_form_is_refused_naming_the_fields_to_choose(form_page):
    client, person, token = form_page
    page = client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True)
    for select in ("device_id", "status"):  # nothing chosen for the agent
        options = re.search(rf'<select[^>]*name="{select}".*?</select>', page, re.S).group()
        assert re.search(r'<option selected value="">— choisir —</option>', options), options
    refused = client.post(f"/tickets/new?resident_id={person.id}", data={"submission_token": token})
    shown = text_of(refused)
    assert refused.status_code == 400 and _count() == 0
    for message in ("Démarche : choisissez la démarche", "Dispositif : choisissez le dispositif",
                    "Statut : choisissez le statut"):
        assert message in shown


@pytest.mark.parametrize("size, saved", [(5000, True), (5001, False), (20000, False)])
def test_notes_over_5000_characters_are_refused_with_a_message_not_cut(form_page, size, saved):
    client, person, token = form_page
    assert 'maxlength="5000"' in client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True)
    response = client.post(f"/tickets/new?resident_id={person.id}", data=_fields(token, notes="é" * size))
    if saved:
        assert response.status_code == 302 and len(db.session.execute(db.select(Ticket)).scalar_one().notes) == size
    else:
        assert response.status_code == 400 and _count() == 0
        assert "Notes : 5 000 caractères au plus" in text_of(response)  # a narrow space, as written in French
