"""Record-level access: changing an id in the URL never reaches a record outside one's scope."""

import html

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.security.factories import make_resident, make_ticket

SECRET_NOTE = "Note confidentielle mairie"


@pytest.fixture
def tickets(reference):
    resident = make_resident()
    return {
        "resident": resident,
        "mairie_12": make_ticket(resident, channel="counter", site="mairie-12", notes=SECRET_NOTE + " 12"),
        "mairie_02": make_ticket(resident, channel="counter", site="mairie-02", notes=SECRET_NOTE + " 02"),
        "ff": make_ticket(resident, channel="facil_familles", site="facil-familles", notes="Note Facil'Familles"),
        "anonymous_counter": make_ticket(None, channel="counter", site="mairie-02", notes="Appel anonyme"),
    }


def _refusals(path):
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "access.refused",
                                                          AuditEntry.object_id == path)).scalars().all()


def test_counter_agent_of_the_2nd_gets_403_and_an_audit_entry_for_a_ticket_of_the_12th(tickets, client_as):
    db.session.commit()
    client = client_as("counter_agent", site_code="mairie-02")
    path = f"/tickets/{tickets['mairie_12'].id}"
    response = client.get(path)
    assert response.status_code == 403
    assert SECRET_NOTE not in response.get_data(as_text=True)
    [entry] = _refusals(path)
    assert entry.agent_id == client.agent.id and entry.ip == "127.0.0.1"
    assert client.get(f"/tickets/{tickets['mairie_02'].id}").status_code == 200


def test_counter_agent_cannot_change_another_sites_ticket(tickets, client_as):
    db.session.commit()
    client = client_as("counter_agent", site_code="mairie-02")
    ticket_id = tickets["mairie_12"].id
    assert client.get(f"/tickets/{ticket_id}/edit").status_code == 403
    assert client.post(f"/tickets/{ticket_id}/edit", data={"notes": "piraté"}).status_code == 403
    assert client.post(f"/tickets/{ticket_id}/status", data={"status": "closed"}).status_code == 403
    assert client.post(f"/tickets/{ticket_id}/transfer", data={}).status_code == 403
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.notes == SECRET_NOTE + " 12" and ticket.status == "open"


def test_other_sites_tickets_are_not_listed_for_a_counter_agent(tickets, client_as):
    db.session.commit()
    client = client_as("counter_agent", site_code="mairie-02")
    listing = client.get("/tickets/search").get_data(as_text=True)
    assert tickets["mairie_02"].reference in listing
    assert tickets["mairie_12"].reference not in listing


def test_facil_familles_staff_do_not_see_another_channels_notes(tickets, client_as):
    db.session.commit()
    client = client_as("facil_familles")
    counter_ticket = client.get(f"/tickets/{tickets['mairie_12'].id}")
    assert counter_ticket.status_code == 200
    assert SECRET_NOTE not in html.unescape(counter_ticket.get_data(as_text=True))
    own = client.get(f"/tickets/{tickets['ff'].id}")
    assert "Note Facil'Familles" in html.unescape(own.get_data(as_text=True))
    resident_page = client.get(f"/contacts/{tickets['resident'].id}")
    assert resident_page.status_code == 200
    assert SECRET_NOTE not in html.unescape(resident_page.get_data(as_text=True))


def test_3975_operator_reads_another_channels_ticket_but_cannot_change_it(tickets, client_as):
    db.session.commit()
    client = client_as("operator_3975")
    ticket_id = tickets["mairie_12"].id
    page = client.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200
    assert f"/tickets/{ticket_id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"/tickets/{ticket_id}/edit").status_code == 403
    assert client.post(f"/tickets/{ticket_id}/status", data={"status": "closed"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Ticket, ticket_id).status == "open"


def test_3975_operator_cannot_open_another_channels_anonymous_ticket(tickets, client_as):
    db.session.commit()
    assert client_as("operator_3975").get(f"/tickets/{tickets['anonymous_counter'].id}").status_code == 403


def test_admins_and_managers_never_change_tickets_or_residents(tickets, client_as):
    db.session.commit()
    for role in ("manager", "admin"):
        client = client_as(role)
        assert client.post(f"/tickets/{tickets['mairie_02'].id}/status", data={"status": "closed"}).status_code == 403
        assert client.post(f"/contacts/{tickets['resident'].id}/edit", data={"last_name": "X"}).status_code == 403
    assert "Lefèvre" in text_of(client_as("manager").get(f"/contacts/{tickets['resident'].id}"))


def test_unknown_record_ids_give_404_not_500(reference, client_as):
    client = client_as("counter_agent", site_code="mairie-02")
    for path in ("/tickets/999999", "/contacts/999999", "/tickets/999999/edit"):
        assert client.get(path).status_code == 404, path
    assert client_as("admin").get("/privacy/residents/999999").status_code == 404


def test_resident_ticket_list_keeps_the_site_scope(tickets, client_as):
    db.session.commit()
    client = client_as("counter_agent", site_code="mairie-02")
    listing = client.get(f"/tickets/resident/{tickets['resident'].id}").get_data(as_text=True)
    assert tickets["mairie_02"].reference in listing and tickets["mairie_12"].reference not in listing


def test_make_resident_helper_gives_distinct_people(reference):
    assert make_resident().id != make_resident("Paul", "Martin", account_ref="CP-X").id


def test_family_number_is_hidden_from_managers_and_shown_to_facil_familles(tickets, client_as):
    db.session.commit()
    path = f"/contacts/{tickets['resident'].id}"
    assert "FF-12345" in client_as("facil_familles").get(path).get_data(as_text=True)
    assert "FF-12345" not in client_as("manager").get(path).get_data(as_text=True)
