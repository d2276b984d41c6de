"""Record-level access: changing an id in the URL never reaches a record outside one's scope."""

import html

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
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
    resident_page = client.get(f"/contacts/{tickets['resident'].id}")
    assert resident_page.status_code == 200
    assert SECRET_NOTE not in html.unescape(resident_page.get_data(as_text=True))
    counter_ticket = client.get(f"/tickets/{tickets['mairie_12'].id}")
    assert counter_ticket.status_code == 200
    assert SECRET_NOTE not in html.unescape(counter_ticket.get_data(as_text=True))
    own = client.get(f"/tickets/{tickets['ff'].id}")
    assert "Note Facil'Familles" in html.unescape(own.get_data(as_text=True))


@pytest.mark.parametrize("role", ["operator_3975", "facil_familles"])
def test_phone_and_family_staff_get_403_on_a_town_hall_ticket_reached_by_id_alone(tickets, client_as, role):
    db.session.commit()
    client = client_as(role)
    path = f"/tickets/{tickets['mairie_12'].id}"
    response = client.get(path)
    assert response.status_code == 403
    assert SECRET_NOTE not in html.unescape(response.get_data(as_text=True))
    assert [entry.agent_id for entry in _refusals(path)] == [client.agent.id]


def test_3975_operator_reads_another_channels_ticket_from_the_residents_page_audited_without_notes(
        tickets, client_as):
    db.session.commit()
    client = client_as("operator_3975")
    ticket_id = tickets["mairie_12"].id
    resident_page = client.get(f"/contacts/{tickets['resident'].id}")
    assert f"/tickets/{ticket_id}" in resident_page.get_data(as_text=True)
    assert SECRET_NOTE not in html.unescape(resident_page.get_data(as_text=True))
    page = client.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200
    assert SECRET_NOTE not in html.unescape(page.get_data(as_text=True))
    assert "Les notes des autres canaux ne vous sont pas visibles." in html.unescape(page.get_data(as_text=True))
    [read] = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "ticket.view", AuditEntry.object_id == str(ticket_id))).scalars().all()
    assert (read.agent_id, read.resident_id, read.detail) == (client.agent.id, tickets["resident"].id,
                                                              {"via": "resident"})
    assert f"/tickets/{ticket_id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"/tickets/{ticket_id}/edit").status_code == 403
    assert client.post(f"/tickets/{ticket_id}/status", data={"status": "closed"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Ticket, ticket_id).status == "open"


def test_the_residents_page_opens_only_that_residents_other_channel_tickets(tickets, client_as):
    someone_else = make_resident("Paul", "Martin", account_ref="CP-AUTRE")
    theirs = make_ticket(someone_else, channel="counter", site="mairie-12")
    db.session.commit()
    client = client_as("operator_3975")
    assert client.get(f"/contacts/{tickets['resident'].id}").status_code == 200
    assert client.get(f"/tickets/{tickets['mairie_12'].id}").status_code == 200
    assert client.get(f"/tickets/{theirs.id}").status_code == 403


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


def test_a_managers_view_of_a_facil_familles_ticket_shows_no_family_number(tickets, client_as):
    ticket = make_ticket(tickets["resident"], channel="facil_familles", site="facil-familles",
                         family_number="FF-12345")
    db.session.add(TicketEvent(ticket_id=ticket.id, kind="updated", ticket_version=ticket.version,
                               changes={"family_number": [None, "FF-12345"]}))
    db.session.commit()
    path = f"/tickets/{ticket.id}"
    manager_page = client_as("manager").get(path)
    assert manager_page.status_code == 200 and "FF-12345" not in manager_page.get_data(as_text=True)
    assert "FF-12345" in client_as("facil_familles").get(path).get_data(as_text=True)


def test_managers_do_not_find_residents_by_family_number(tickets, client_as):
    db.session.commit()
    manager, staff = client_as("manager"), client_as("facil_familles")
    name = tickets["resident"].last_name.upper()
    assert name not in text_of(manager.post("/contacts/search", data={"q": "FF-12345"}))
    assert manager.post("/contacts/search/live", json={"q": "FF-12345"}).get_json()["results"] == []
    assert name in text_of(staff.post("/contacts/search", data={"q": "FF-12345"}))
    assert [r["id"] for r in staff.post("/contacts/search/live", json={"q": "FF-12345"}).get_json()["results"]] \
        == [tickets["resident"].id]
