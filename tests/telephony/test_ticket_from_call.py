"""What a ticket takes from its call: one rule for the ticket form (from the caller's panel) and the API."""

import pytest

from app.extensions import db
from app.telephony.models import Call
from app.tickets.models import Ticket
from tests.conftest import PASSWORD, sign_in, text_of

NEW = {"event": "newCall", "from": "0612345678", "to": "3975", "direction": "in", "callId": "t-1"}


def _cti(client, token, body):
    assert client.post(f"/api/v1/cti/{token}", data=body).status_code == 200


def _log_by_form(app, operator, caller, call, status, _tokens):
    client = app.test_client()
    assert sign_in(client, operator.login, PASSWORD).status_code == 302
    response = client.post(f"/tickets/new?call={call.id}&resident_id={caller.id}",
                           data={"status": status, "outcome": "completed", "notes": "Renseignement crèche"})
    assert response.status_code == 302, text_of(response)


def _log_by_api(app, operator, caller, call, status, tokens):
    response = app.test_client().post(
        "/api/v1/tickets", headers={"Authorization": f"Bearer {tokens['everything']}"},
        json={"agent_login": operator.login, "channel": "phone_3975", "site": "plateforme-3975",
              "resident_id": caller.id, "call_id": "t-1", "status": status, "outcome": "completed"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("log", [_log_by_form, _log_by_api], ids=["form", "api"])
@pytest.mark.parametrize("status, hung_up, closed_at", [
    ("closed", True, "the hang-up"), ("resolved", True, "the hang-up"), ("open", True, None),
    ("in_progress", True, None), ("closed", False, "the save"),
])
def test_a_ticket_opens_at_the_answer_and_a_closed_one_closes_at_the_hang_up(
        app, tokens, operator, caller, clock, log, status, hung_up, closed_at):
    client = app.test_client()
    _cti(client, tokens["cti"], NEW)
    clock.advance(10)
    _cti(client, tokens["cti"], {"event": "answer", "callId": "t-1", "answeringNumber": "201"})
    clock.advance(240)
    if hung_up:
        _cti(client, tokens["cti"], {"event": "hangup", "callId": "t-1", "cause": "normalClearing"})
    call = db.session.execute(db.select(Call).where(Call.call_id == "t-1")).scalar_one()

    log(app, operator, caller, call, status, tokens)

    db.session.refresh(call)
    ticket = db.session.get(Ticket, call.ticket_id)
    assert ticket.opened_at == call.answered_at
    if closed_at == "the hang-up":
        assert ticket.closed_at == call.ended_at
    elif closed_at == "the save":  # the call still going: closed when saved (now, after the 2017 clock)
        assert ticket.closed_at is not None and ticket.closed_at > call.answered_at
    else:
        assert ticket.closed_at is None
