"""The REST API: residents look-up, tickets through the same rules as the forms, caller log, report runs."""

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.telephony.models import Call
from app.tickets.models import Ticket

CARD = "4111 1111 1111 1111"


def ticket_body(**extra):
    return {"agent_login": "amina.diallo", "channel": "phone_3975", "site": "plateforme-3975"} | extra


@pytest.mark.parametrize("query", [{"phone": "06 12 34 56 78"}, {"phone": "+33612345678"}, {"phone": "0033612345678"},
                                   {"email": "Jeanne.Martin@example.org"}, {"account_ref": "CP-JM-0001"},
                                   {"phone": "0612345678", "email": "jeanne.martin@example.org"}])
def test_residents_are_found_by_phone_email_or_account_reference(client, bearer, jeanne, query):
    response = client.get("/api/v1/residents", query_string=query, headers=bearer)
    assert response.status_code == 200
    assert [(r["id"], r["last_name"]) for r in response.get_json()] == [(jeanne.id, "Martin")]


def test_residents_look_up_is_audited_with_criteria_names_and_ids_never_values(client, bearer, jeanne):
    client.get("/api/v1/residents", query_string={"phone": "0612345678"}, headers=bearer)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "api.residents.lookup")).scalar_one()
    assert entry.detail == {"criteria": ["phone"], "ids": [jeanne.id]} and entry.agent_login == "Tout"


@pytest.mark.parametrize("query, field", [({}, "phone"), ({"phone": "pas un numéro"}, "phone"),
                                          ({"email": "pas-une-adresse"}, "email"), ({"phone": ""}, "phone")])
def test_bad_residents_queries_get_422_naming_the_field(client, bearer, query, field):
    response = client.get("/api/v1/residents", query_string=query, headers=bearer)
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"] and body["error"].startswith(field)


def test_a_ticket_is_created_and_read_back_through_the_api(client, bearer, operator, jeanne):
    response = client.post("/api/v1/tickets", json=ticket_body(resident_id=jeanne.id, notes="Rappel crèche",
                                                               status="resolved", outcome="completed"),
                           headers=bearer)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["reference"].startswith(str(db.session.get(Ticket, created["id"]).opened_at.year))
    assert (created["agent_login"], created["channel"], created["status"]) == ("amina.diallo", "phone_3975",
                                                                             "resolved")
    read = client.get(f"/api/v1/tickets/{created['id']}", headers=bearer).get_json()
    assert read == created


@pytest.mark.parametrize("extra, field, words", [
    ({"notes": f"Carte {CARD}", "anonymous": True}, "notes", "carte"),
    ({}, "resident_id", "usager"),
    ({"anonymous": True, "channel": "nope"}, "channel", "Code inconnu"),
    ({"anonymous": True, "agent_login": "personne"}, "agent_login", "Aucun agent"),
    ({"anonymous": True, "site": "mairie-02"}, "site", "le site doit être"),
    ({"anonymous": True, "channel": "counter", "site": "mairie-02"}, "agent_login", "ne peut pas"),
    ({"anonymous": True, "payment_assisted": True}, "protocol_confirmed", "protocole"),
    ({"anonymous": True, "status": "perdu"}, "status", "Valeur parmi"),
    ({"anonymous": True, "call_id": "inconnu"}, "call_id", "Aucun appel"),
    ({"resident_id": 999999}, "resident_id", "Aucun usager"),
])
def test_tickets_obey_the_same_rules_as_the_form(client, bearer, operator, extra, field, words):
    response = client.post("/api/v1/tickets", json=ticket_body(**extra), headers=bearer)
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"], body
    assert words.lower() in " ".join(body["errors"][field]).lower()
    assert CARD not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Ticket)) == 0


def test_a_ticket_logged_for_a_call_records_it_and_opens_when_the_call_was_answered(client, bearer, operator, jeanne):
    from datetime import UTC, datetime

    answered = datetime(2017, 3, 6, 9, 0, 14, tzinfo=UTC)
    call = Call(call_id="pbx-42", direction="in", number="+33612345678", state="answered", agent_id=operator.id,
                started_at=datetime(2017, 3, 6, 9, 0, tzinfo=UTC), answered_at=answered,
                ended_at=datetime(2017, 3, 6, 9, 4, tzinfo=UTC))
    db.session.add(call)
    db.session.commit()
    response = client.post("/api/v1/tickets", json=ticket_body(resident_id=jeanne.id, call_id="pbx-42",
                                                               status="resolved"), headers=bearer)
    assert response.status_code == 201
    ticket = db.session.get(Ticket, response.get_json()["id"])
    db.session.refresh(call)
    assert call.ticket_id == ticket.id and response.get_json()["call_id"] == "pbx-42"
    assert (ticket.opened_at, ticket.closed_at) == (answered, call.ended_at)


def test_calls_list_filters_by_state(client, bearer):
    from datetime import UTC, datetime

    db.session.add_all([Call(call_id="a", state="answered", started_at=datetime(2017, 3, 6, 9, tzinfo=UTC)),
                        Call(call_id="m", state="missed", started_at=datetime(2017, 3, 6, 10, tzinfo=UTC))])
    db.session.commit()
    everything = client.get("/api/v1/calls", headers=bearer).get_json()
    assert [call["call_id"] for call in everything] == ["m", "a"]
    missed = client.get("/api/v1/calls", query_string={"state": "missed"}, headers=bearer).get_json()
    assert [call["call_id"] for call in missed] == ["m"]
    bad = client.get("/api/v1/calls", query_string={"state": "perdu", "limit": "0"}, headers=bearer)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"state", "limit"}


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:00-00:01", "1999-12-31T22:00:00Z"])
def test_an_instant_out_of_range_is_refused_by_its_field_not_by_a_500(client, bearer, since):
    response = client.get("/api/v1/calls", query_string={"since": since, "until": since}, headers=bearer)
    assert response.status_code == 422
    assert response.get_json()["errors"]["since"] == ["Date hors de la plage admise (années 2000 à 2099)."]


def test_a_report_run_is_requested_and_its_status_read(client, bearer, reference):
    response = client.post("/api/v1/report-runs", json={"from": "2017-03-01", "to": "2017-03-31",
                                                        "reports": ["volume"]}, headers=bearer)
    assert response.status_code == 202, response.get_json()
    run = response.get_json()
    status = client.get(f"/api/v1/report-runs/{run['id']}", headers=bearer).get_json()
    assert status["id"] == run["id"] and status["status"] in ("queued", "running", "finished")


def test_a_report_run_with_dates_backwards_gets_422_naming_from(client, bearer):
    response = client.post("/api/v1/report-runs", json={"from": "2017-03-31", "to": "2017-03-01"}, headers=bearer)
    assert response.status_code == 422 and "from" in response.get_json()["errors"]


def test_unknown_ticket_and_run_get_404_json(client, bearer):
    for url in ("/api/v1/tickets/999999", "/api/v1/report-runs/999999"):
        response = client.get(url, headers=bearer)
        assert response.status_code == 404 and "Aucun" in response.get_json()["error"]
