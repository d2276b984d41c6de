"""Ticket pages: access per role, two agents editing one ticket, status buttons, transfer, lists, export."""

import csv
import io

import pytest

from app.channels.models import Channel, Site
from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.services import log_ticket
from tests.conftest import text_of
from tests.tickets.helpers import counter_values, resident


@pytest.fixture
def ticket02(reference, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-02")
    ticket = log_ticket(counter_values(resident(), notes="Aide à la création du compte"), agent)
    db.session.commit()
    return ticket


def test_counter_agent_of_mairie_02_gets_403_on_a_mairie_12_ticket(client_as, reference, make_agent):
    agent12 = make_agent("counter_agent", site_code="mairie-12")
    ticket = log_ticket(counter_values(resident(), site_code="mairie-12"), agent12)
    db.session.commit()
    client = client_as("counter_agent", "mairie-02")
    for url in (f"/tickets/{ticket.id}", f"/tickets/{ticket.id}/edit", f"/tickets/{ticket.id}/transfer"):
        assert client.get(url).status_code == 403
    assert client.post(f"/tickets/{ticket.id}/status", data={"status": "in_progress",
                                                             "version": ticket.version}).status_code == 403
    assert ticket.reference not in text_of(client.get("/tickets/search"))


def test_manager_reads_but_cannot_edit_and_admin_cannot_log(client_as, ticket02):
    manager = client_as("manager")
    assert manager.get(f"/tickets/{ticket02.id}").status_code == 200
    assert manager.get(f"/tickets/{ticket02.id}/edit").status_code == 403
    assert manager.get("/tickets/new").status_code == 403
    assert client_as("admin").get("/tickets/search").status_code == 403


def test_two_agents_editing_one_ticket_second_is_refused_and_can_reconcile(client_as, ticket02):
    first, second = client_as("counter_agent", "mairie-02"), client_as("counter_agent", "mairie-02")
    url = f"/tickets/{ticket02.id}/edit"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    seen = ticket02.version
    common = {"device_id": ticket02.device_id, "procedure_id": ticket02.procedure_id}
    assert first.post(url, data={**common, "version": seen, "outcome": "completed",
                                 "notes": "Compte créé"}).status_code == 302
    refused = second.post(url, data={**common, "version": seen, "outcome": "abandoned", "notes": "Usager parti"})
    assert refused.status_code == 409
    body = text_of(refused)
    assert "modifié par quelqu'un d'autre" in body
    assert "Résultat Démarche aboutie Abandon" in body and "Notes Compte créé Usager parti" in body
    db.session.expire_all()
    assert db.session.get(Ticket, ticket02.id).outcome == "completed"
    # The re-shown form carries the agent's values and the current version: saving again reconciles.
    html = refused.get_data(as_text=True)
    assert f'name="version" type="hidden" value="{seen + 1}"' in html and "Usager parti</textarea>" in html
    merged = second.post(url, data={**common, "version": seen + 1, "outcome": "completed",
                                    "notes": "Compte créé ; usager parti avant la fin"})
    assert merged.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, ticket02.id).notes == "Compte créé ; usager parti avant la fin"


def test_status_buttons_follow_the_workflow(client_as, ticket02):
    client = client_as("counter_agent", "mairie-02")
    page = text_of(client.get(f"/tickets/{ticket02.id}"))
    assert "Prendre en charge" in page and "Rouvrir" not in page
    client.post(f"/tickets/{ticket02.id}/status", data={"status": "closed", "version": ticket02.version,
                                                        "outcome": "completed"})
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket02.id)
    assert (ticket.status, ticket.outcome) == ("closed", "completed")
    refused = client.post(f"/tickets/{ticket.id}/status", data={"status": "in_progress",
                                                                 "version": ticket.version}, follow_redirects=True)
    assert "ne peut pas passer à « En cours »" in text_of(refused)
    assert "Rouvrir" in text_of(refused)


def test_transfer_from_3975_to_a_counter_keeps_the_journey(client_as, reference):
    client = client_as("operator_3975")
    call = log_ticket({"resident_id": resident().id, "channel_id": db.session.execute(
        db.select(Channel.id).where(Channel.code == "phone_3975")).scalar_one(),
        "site_id": db.session.execute(db.select(Site.id).where(Site.code == "plateforme-3975")).scalar_one()},
        client.agent)
    db.session.commit()
    counter = db.session.execute(db.select(Channel.id).where(Channel.code == "counter")).scalar_one()
    mairie12 = db.session.execute(db.select(Site.id).where(Site.code == "mairie-12")).scalar_one()
    response = client.post(f"/tickets/{call.id}/transfer", data={"channel_id": counter, "site_id": mairie12,
                                                                 "device_id": "", "version": call.version})
    assert response.status_code == 302
    page = text_of(client.get(f"/tickets/{call.id}"))
    new = db.session.execute(db.select(Ticket).where(Ticket.transferred_from_id == call.id)).scalar_one()
    assert "Parcours de l'usager" in page and new.reference in page


def test_lists_show_my_open_tickets_and_my_site_queue(client_as, reference):
    client = client_as("counter_agent", "mairie-02")
    mine = log_ticket(counter_values(resident()), client.agent)
    closed = log_ticket(counter_values(resident(), status="closed"), client.agent)
    db.session.commit()
    assert mine.reference in text_of(client.get("/tickets/mine"))
    assert closed.reference not in text_of(client.get("/tickets/mine"))
    assert mine.reference in text_of(client.get("/tickets/queue"))
    assert closed.reference in text_of(client.get("/tickets/queue?status=closed"))


def test_pages_follow_on_without_count(client_as, reference, app):
    app.config["TICKETS_PER_PAGE"] = 2
    client = client_as("counter_agent", "mairie-02")
    person = resident()
    refs = [log_ticket(counter_values(person), client.agent).reference for _ in range(5)]
    db.session.commit()
    seen, url = [], "/tickets/search"
    for _ in range(3):
        html = client.get(url).get_data(as_text=True)
        seen += [r for r in refs if r in html]
        if 'rel="next"' not in html:
            break
        url = html.split('" rel="next"')[0].split('href="')[-1].replace("&amp;", "&")
    assert sorted(seen) == sorted(refs)
    assert 'rel="next"' not in html and 'rel="prev"' in html


def test_search_filters_by_owner_and_exports_safe_csv(client_as, reference):
    from app.channels.models import Procedure

    client = client_as("counter_agent", "mairie-02")
    critair = db.session.execute(db.select(Procedure.id).where(Procedure.code == "critair")).scalar_one()
    state = log_ticket(counter_values(resident(), procedure_id=critair,
                                      requested_service_text="=HYPERLINK(\"x\")"), client.agent)
    city = log_ticket(counter_values(resident()), client.agent)
    db.session.commit()
    found = text_of(client.get("/tickets/search?owner=state"))
    assert state.reference in found and city.reference not in found
    export = client.get("/tickets/export.csv?owner=state", buffered=True)
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Référence" and [r[0] for r in rows[1:]] == [state.reference]
    assert rows[1][15].startswith("'=")


@pytest.mark.parametrize("date_from, date_to", [("2026-03-10", "2026-03-01"), ("2026-12-31", "2026-01-01")])
def test_a_reversed_period_in_the_ticket_search_is_refused_with_a_message(client_as, reference, date_from, date_to):
    client = client_as("counter_agent", "mairie-02")
    ticket = log_ticket(counter_values(resident()), client.agent)
    db.session.commit()
    response = client.get(f"/tickets/search?date_from={date_from}&date_to={date_to}")
    shown = text_of(response)
    assert response.status_code == 400
    assert "Au : la fin de la période précède son début (Du) ; inversez les deux dates." in shown
    assert ticket.reference not in shown
    assert client.get(f"/tickets/search?date_from={date_to}&date_to={date_from}").status_code == 200
