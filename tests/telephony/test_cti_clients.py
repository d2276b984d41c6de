"""The CTI endpoint driven by real clients: py-zammad-cti (form-encoded, `user` repeated) and 3CX-shaped JSON."""

import pytest
from requests import HTTPError
from zammad_cti import CTIClient

from tests.conftest import text_of
from tests.telephony.conftest import calls_of
from tests.telephony.wsgi_transport import mount


@pytest.fixture
def zammad_client(app, tokens):
    client = CTIClient(url=f"http://relais.test/api/v1/cti/{tokens['cti']}")
    client.adapter = mount(client._session, app)
    return client


def test_py_zammad_cti_call_answered_then_hung_up_is_in_the_caller_log_with_wait_duration_and_resident(
        app, client_as, zammad_client, tokens, operator, caller, clock):
    assert zammad_client.new_call("0612345678", "3975", "in", "call-001", user=["Amina Diallo", "Paul Roux"],
                                  queue="3975-accueil") == {}
    clock.advance(14)
    assert zammad_client.answer("0612345678", "3975", "in", "call-001", answering_number="201") == {}
    clock.advance(185)
    assert zammad_client.hangup("0612345678", "3975", "in", "call-001", "normalClearing") == {}

    sent = zammad_client.adapter.sent[0]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "user=Amina+Diallo&user=Paul+Roux" in sent.body  # the client repeats `user`

    call = calls_of(app.test_client(), tokens["calls"])["call-001"]
    assert call["state"] == "answered" and call["direction"] == "in"
    assert (call["wait_seconds"], call["duration_seconds"]) == (14, 185)
    assert call["number"] == "+33612345678" and call["resident_id"] == caller.id
    assert call["operator"] == "amina.diallo" and call["queue"] == "3975-accueil"

    page = text_of(client_as("manager").get("/telephony/calls"))
    assert "Jeanne Martin" in page and "06 12 34 56 78" in page and "14 s" in page and "185 s" in page


def test_py_zammad_cti_call_hung_up_unanswered_is_a_missed_call(app, zammad_client, tokens, caller, clock):
    zammad_client.new_call("+33 6 12 34 56 78", "3975", "in", "call-002", user="Amina Diallo")
    clock.advance(40)
    zammad_client.hangup("+33 6 12 34 56 78", "3975", "in", "call-002", "cancel")

    call = calls_of(app.test_client(), tokens["calls"])["call-002"]
    assert call["state"] == "missed" and call["wait_seconds"] == 40 and call["duration_seconds"] is None
    assert call["operator"] is None and call["resident_id"] == caller.id


def test_py_zammad_cti_with_a_bad_token_gets_401_json(app, tokens):
    client = CTIClient(url="http://relais.test/api/v1/cti/not-a-token")
    mount(client._session, app)
    with pytest.raises(HTTPError) as raised:
        client.new_call("0612345678", "3975", "in", "call-003")
    assert raised.value.response.status_code == 401
    assert "Jeton invalide" in raised.value.response.json()["error"]


def _bridge(client, token, **payload):
    """What the 3CX-Zammad bridge posts: JSON, `call_id` and `callid`, direction as 3CX names it."""
    body = {"event": "", "from": "", "to": "", "direction": "Inbound", "call_id": "", "callid": ""} | payload
    body["callid"] = body["call_id"]
    return client.post(f"/api/v1/cti/{token}", json=body)


def test_3cx_bridge_json_answered_and_missed_calls(app, tokens, operator, caller, clock):
    client = app.test_client()
    cti = tokens["cti"]
    for event, seconds, extra in (("newCall", 9, {}), ("answer", 120, {"answeringNumber": "201",
                                                                       "user": "Amina Diallo"}),
                                  ("hangup", 0, {"cause": "normalClearing", "answeringNumber": "201"})):
        response = _bridge(client, cti, event=event, **{"from": "33612345678", "to": "3975"},
                           call_id="3cx-00017", **extra)
        assert (response.status_code, response.get_json()) == (200, {})
        clock.advance(seconds)
    _bridge(client, cti, event="newCall", **{"from": "0693123456", "to": "3975"}, call_id="3cx-00018")
    clock.advance(25)
    _bridge(client, cti, event="hangup", **{"from": "0693123456", "to": "3975"}, call_id="3cx-00018",
            cause="cancel")

    calls = calls_of(client, tokens["calls"])
    answered, missed = calls["3cx-00017"], calls["3cx-00018"]
    assert answered["direction"] == "in" and answered["state"] == "answered"
    assert (answered["wait_seconds"], answered["duration_seconds"]) == (9, 120)
    assert answered["resident_id"] == caller.id and answered["operator"] == "amina.diallo"
    assert missed["state"] == "missed" and missed["wait_seconds"] == 25 and missed["number"] == "+262693123456"
