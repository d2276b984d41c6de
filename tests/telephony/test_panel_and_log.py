"""The operator's caller panel, a ticket logged from a call, and missed calls marked "rappelé"."""

from app.audit.models import AuditEntry
from app.extensions import db
from app.telephony.models import Call
from app.tickets.models import Ticket
from tests.conftest import PASSWORD, sign_in, text_of

NEW = {"event": "newCall", "from": "0612345678", "to": "3975", "direction": "in"}


def _cti(app, token, body):
    response = app.test_client().post(f"/api/v1/cti/{token}", data=body)
    assert response.status_code == 200, response.get_data(as_text=True)


def _operator_client(app, agent):
    client = app.test_client()
    assert sign_in(client, agent.login, PASSWORD).status_code == 302
    return client


def _answered_call(app, tokens, call_id="p-1", number="0612345678", extension="201"):
    _cti(app, tokens["cti"], NEW | {"callId": call_id, "from": number})
    _cti(app, tokens["cti"], {"event": "answer", "callId": call_id, "answeringNumber": extension})
    return db.session.execute(db.select(Call).where(Call.call_id == call_id)).scalar_one()


def test_answer_puts_the_caller_on_the_operators_panel_with_residents_and_the_log_link(app, tokens, operator,
                                                                                        caller):
    client = _operator_client(app, operator)
    assert client.get("/telephony/panel").get_json() == {"call": None}
    call = _answered_call(app, tokens)
    assert client.get("/telephony/panel").get_json() == {"call": call.id}
    data = client.get(f"/telephony/panel/{call.id}").get_json()
    assert data["call"]["number"] == "06 12 34 56 78"
    assert [r["name"] for r in data["residents"]] == ["Jeanne Martin"]
    assert data["primary_url"] == f"/tickets/new?call={call.id}&resident_id={caller.id}"
    read = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.view",
                                                          AuditEntry.object_type == "call")).scalar_one()
    assert read.resident_id == caller.id and "06" not in str(read.detail)


def test_another_operator_does_not_see_the_call(app, tokens, operator, caller, client_as):
    call = _answered_call(app, tokens)
    other = client_as("operator_3975")
    assert other.get("/telephony/panel").get_json() == {"call": None}
    assert other.get(f"/telephony/panel/{call.id}").status_code == 404


def test_unknown_number_offers_quick_creation_prefilled_with_it(app, tokens, operator):
    client = _operator_client(app, operator)
    call = _answered_call(app, tokens, number="0699887766")
    data = client.get(f"/telephony/panel/{call.id}").get_json()
    assert data["residents"] == [] and data["primary_url"] == f"/telephony/calls/{call.id}/new-resident"
    assert "0699887766" not in data["primary_url"] and "99" not in data["primary_url"].replace(str(call.id), "")
    page = client.get(data["primary_url"]).get_data(as_text=True)
    assert 'value="06 99 88 77 66"' in page and f'value="/tickets/new?call={call.id}"' in page
    created = client.post("/contacts/quick", data={"last_name": "Nouveau", "first_name": "Appelant",
                                                   "contact": "06 99 88 77 66", "next": f"/tickets/new?call={call.id}"})
    assert created.status_code == 302 and f"call={call.id}" in created.headers["Location"]


def test_a_contact_detail_in_the_quick_creation_url_is_ignored(app, tokens, operator):
    page = _operator_client(app, operator).get("/contacts/quick?contact=0699887766").get_data(as_text=True)
    assert "99 88 77 66" not in page and "0699887766" not in page


def test_anonymous_caller_gets_an_anonymous_ticket_link(app, tokens, operator):
    client = _operator_client(app, operator)
    call = _answered_call(app, tokens, number="anonymous")
    data = client.get(f"/telephony/panel/{call.id}").get_json()
    assert data["call"]["anonymous"] and data["primary_url"] == f"/tickets/new?call={call.id}&anonymous=1"


def test_a_ticket_logged_from_the_panel_records_the_call_and_opens_at_the_answer(app, tokens, operator, caller,
                                                                                 clock):
    client = _operator_client(app, operator)
    call = _answered_call(app, tokens)
    clock.advance(200)
    _cti(app, tokens["cti"], {"event": "hangup", "callId": "p-1", "cause": "normalClearing"})
    response = client.post(f"/tickets/new?call={call.id}&resident_id={caller.id}",
                           data={"status": "closed", "outcome": "completed", "notes": "Renseignement crèche"})
    assert response.status_code == 302, text_of(response)
    db.session.refresh(call)
    ticket = db.session.get(Ticket, call.ticket_id)
    assert ticket.resident_id == caller.id and ticket.opened_at == call.answered_at
    assert client.get("/telephony/panel").get_json() == {"call": None}  # logged: off the panel


def test_missed_calls_are_marked_called_back_and_an_answered_one_cannot_be(app, tokens, operator, client_as):
    _cti(app, tokens["cti"], NEW | {"callId": "m-1"})
    _cti(app, tokens["cti"], {"event": "hangup", "callId": "m-1", "cause": "cancel"})
    answered = _answered_call(app, tokens, call_id="a-1")
    missed = db.session.execute(db.select(Call).where(Call.call_id == "m-1")).scalar_one()
    client = _operator_client(app, operator)
    assert "Marquer rappelé" in text_of(client.get("/telephony/calls?state=missed"))
    client.post(f"/telephony/calls/{missed.id}/called-back")
    client.post(f"/telephony/calls/{answered.id}/called-back")
    db.session.refresh(missed)
    db.session.refresh(answered)
    assert missed.called_back_by_id == operator.id and answered.called_back_at is None
    page = text_of(client_as("manager").get("/telephony/calls"))
    assert "Rappelé le" in page and "Amina Diallo" in page


def test_operator_sees_only_their_calls_with_mine(app, tokens, operator, client_as):
    _answered_call(app, tokens, call_id="mine-1")
    _cti(app, tokens["cti"], NEW | {"callId": "other-1", "from": "0611223344"})
    client = _operator_client(app, operator)
    mine = text_of(client.get("/telephony/calls?mine=1"))
    everything = text_of(client.get("/telephony/calls"))
    assert "06 11 22 33 44" not in mine and "06 11 22 33 44" in everything
