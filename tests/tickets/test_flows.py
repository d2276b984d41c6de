"""The three ways in, end to end: counter, 3975 and Facil'Familles; the ticket shows on the resident's page."""

import pytest

from app.channels.models import Device, Procedure
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.tickets.helpers import ref, resident


@pytest.fixture
def person(reference):
    p = resident(last_name="Lefèvre", first_name="Marie", phone="06 11 22 33 44", family_number="FF-778812")
    db.session.commit()
    return p


def _only_ticket():
    return db.session.execute(db.select(Ticket)).scalar_one()


def test_counter_agent_logs_a_facilitation_from_the_resident_page(client_as, person):
    client = client_as("counter_agent", "mairie-02")
    form = client.get(f"/tickets/new?resident_id={person.id}")
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "Accueil en mairie" in page and "Mairie du 2e arrondissement" in page
    assert 'id="procedure_id"' in page and "autofocus" in page
    assert 'id="channel_id"' not in page  # the channel is the role's
    response = client.post(f"/tickets/new?resident_id={person.id}", data={
        "procedure_id": ref(Procedure, "critair").id, "device_id": ref(Device, "kiosk").id, "mode": "guided",
        "outcome": "completed",
        "digital_choice": "no_alternative", "status": "closed", "payment_assisted": "y",
        "protocol_confirmed": "y"})
    assert response.status_code == 302
    ticket = _only_ticket()
    assert (ticket.channel.code, ticket.site.code, ticket.device.code) == ("counter", "mairie-02", "kiosk")
    assert ticket.protocol_confirmed_by_id == client.agent.id and ticket.closed_at is not None
    timeline = client.get(response.headers["Location"])
    assert ticket.reference in text_of(timeline)


def test_3975_operator_finds_a_known_caller_by_phone_and_logs_the_call(client_as, person):
    client = client_as("operator_3975")
    found = client.post("/tickets/new", data={"q": "0611223344"})
    assert found.status_code == 302 and f"resident_id={person.id}" in found.headers["Location"]
    form = client.get(found.headers["Location"]).get_data(as_text=True)
    assert "Téléphone 3975" in form and "Plateforme téléphonique 3975" in form
    assert 'id="payment_assisted"' not in form  # no payment by phone
    # Only the procedure is chosen; status and outcome keep their defaults (call dealt with).
    response = client.post(found.headers["Location"], data={
        "procedure_id": ref(Procedure, "bulky-waste").id, "outcome": "completed", "status": "closed"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contacts/{person.id}")
    ticket = _only_ticket()
    assert (ticket.channel.code, ticket.site.code, ticket.status) == ("phone_3975", "plateforme-3975", "closed")
    assert ticket.reference in text_of(client.get(f"/contacts/{person.id}"))


def test_the_caller_search_reads_no_query_string(client_as, person):
    """Personal data never travels in a URL: a search put in the query string is not run nor shown back."""
    page = client_as("operator_3975").get("/tickets/new?q=0611223344")
    assert page.status_code == 200 and "11 22 33 44" not in page.get_data(as_text=True)
    assert "0611223344" not in page.get_data(as_text=True)


def test_3975_operator_logs_an_anonymous_call(client_as, reference):
    client = client_as("operator_3975")
    assert "Appelant anonyme" in client.get("/tickets/new").get_data(as_text=True)
    response = client.post("/tickets/new?anonymous=1", data={"procedure_id": "", "outcome": "redirected",
                                                             "status": "closed"})
    assert response.status_code == 302
    ticket = _only_ticket()
    assert ticket.anonymous and ticket.resident_id is None


def test_facil_familles_form_prefills_and_requires_the_family_number(client_as, person):
    client = client_as("facil_familles")
    page = client.get(f"/tickets/new?resident_id={person.id}").get_data(as_text=True)
    assert 'value="FF-778812"' in page
    refused = client.post(f"/tickets/new?resident_id={person.id}", data={
        "family_number": "", "procedure_id": ref(Procedure, "facil-familles-payment").id, "status": "open"})
    assert refused.status_code == 400
    assert "exige le numéro de famille" in text_of(refused)
    assert db.session.execute(db.select(Ticket.id)).first() is None
    ok = client.post(f"/tickets/new?resident_id={person.id}", data={
        "family_number": "FF-778812", "procedure_id": ref(Procedure, "facil-familles-enrolment").id,
        "status": "open"})
    assert ok.status_code == 302
    ticket = _only_ticket()
    assert (ticket.channel.code, ticket.family_number, ticket.status) == ("facil_familles", "FF-778812", "open")
    assert ticket.reference in text_of(client.get(f"/contacts/{person.id}"))


def test_card_number_in_the_notes_is_refused_by_the_form_naming_the_field(client_as, person):
    client = client_as("counter_agent", "mairie-02")
    response = client.post(f"/tickets/new?resident_id={person.id}", data={
        "notes": "payé avec 4111 1111 1111 1111", "status": "closed", "device_id": ""})
    assert response.status_code == 400
    body = text_of(response)
    assert "Notes : Ce champ semble contenir un numéro de carte bancaire" in body
    assert "4111" not in response.get_data(as_text=True)
    assert db.session.execute(db.select(Ticket.id)).first() is None


def test_luhn_failing_sixteen_digits_in_the_notes_are_accepted(client_as, person):
    client = client_as("counter_agent", "mairie-02")
    response = client.post(f"/tickets/new?resident_id={person.id}", data={
        "notes": "dossier 4111 1111 1111 1112", "status": "closed", "device_id": ref(Device, "kiosk").id,
        "procedure_id": ref(Procedure, "critair").id})
    assert response.status_code == 302
    assert _only_ticket().notes == "dossier 4111 1111 1111 1112"


def test_payment_without_the_protocol_is_refused_on_the_protocol_field(client_as, person):
    client = client_as("counter_agent", "mairie-02")
    response = client.post(f"/tickets/new?resident_id={person.id}", data={
        "procedure_id": ref(Procedure, "critair").id, "payment_assisted": "y", "status": "closed",
        "device_id": ref(Device, "kiosk").id})
    assert response.status_code == 400
    assert 'id="protocol_confirmed-error"' in response.get_data(as_text=True)


def test_counter_rule_is_said_before_the_form_at_a_town_hall_without_device(client_as, person):
    client = client_as("counter_agent", "mairie-05")  # a town hall with no facilitation device
    response = client.post(f"/tickets/new?resident_id={person.id}", data={"status": "closed"})
    assert response.status_code == 409
    assert "exige un" in text_of(response) and 'name="procedure_id"' not in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Ticket.id))).scalar() == 0


def test_only_active_procedures_are_offered_and_not_online_ones_go_to_the_demand_picker(client_as, person):
    critair = ref(Procedure, "critair")
    critair.active = False
    db.session.commit()
    page = client_as("counter_agent", "mairie-02").get(f"/tickets/new?resident_id={person.id}")
    html = page.get_data(as_text=True)
    procedures = html.split('id="procedure_id"')[1].split("</select>")[0]
    requested = html.split('id="requested_procedure_id"')[1].split("</select>")[0]
    assert "Crit'Air" not in procedures and "stationnement résidentiel" not in procedures
    assert "stationnement résidentiel" in requested
