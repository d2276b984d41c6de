"""Call events in any order, through the real CTI endpoint and the py-zammad-cti client.

The Asterisk bridge sends its answer and hang-up without `from`, `to` or `direction`; a bridge that
retries, or two web workers, may deliver them before the newCall. Whatever the order, the call ends
in the state its events describe, once, with its caller, operator and times in order.
"""

from itertools import permutations

import pytest
from zammad_cti import CTIClient

from app.extensions import db
from app.telephony.models import Call
from tests.conftest import text_of
from tests.telephony.conftest import calls_of
from tests.telephony.wsgi_transport import mount


@pytest.fixture
def cti(app, tokens):
    client = CTIClient(url=f"http://relais.test/api/v1/cti/{tokens['cti']}")
    mount(client._session, app)
    return client


def send(cti, step: str, call_id: str, cause: str, *, with_numbers: bool) -> None:
    """One event as the phone system sends it: the newCall with its numbers; the answer and hang-up
    without them (Asterisk) or with them (3CX, `with_numbers`)."""
    numbers = ("0612345678", "3975", "in") if with_numbers else (None, None, None)
    if step == "N":
        assert cti.new_call("0612345678", "3975", "in", call_id, user=["Amina Diallo", "Paul Roux"],
                            queue="3975-accueil") == {}
    elif step == "A":
        assert cti.answer(*numbers, call_id, answering_number="201") == {}
    else:
        assert cti.hangup(*numbers, call_id, cause) == {}


ALL_ORDERS_ANSWERED = [("".join(order), "normalClearing", "answered") for order in permutations("NAH")]
UNANSWERED = [
    ("NH", "cancel", "missed"), ("HN", "cancel", "missed"), ("HN", "normalClearing", "missed"),
    ("NH", "noAnswer", "missed"), ("HN", "busy", "missed"),
    ("NH", "forwarded", "forwarded"), ("HN", "forwarded", "forwarded"),
    # The hang-up's cause says nobody picked up: a later answer is no news.
    ("NHA", "cancel", "missed"), ("HNA", "noAnswer", "missed"), ("HAN", "cancel", "missed"),
]
WITHOUT_NEW_CALL = [
    ("H", "normalClearing", "missed"), ("H", "cancel", "missed"), ("H", "forwarded", "forwarded"),
    ("AH", "normalClearing", "answered"), ("HA", "normalClearing", "answered"), ("A", None, "answered"),
]


@pytest.mark.parametrize("with_numbers", [False, True], ids=["asterisk", "3cx"])
@pytest.mark.parametrize("order, cause, state", ALL_ORDERS_ANSWERED + UNANSWERED + WITHOUT_NEW_CALL)
def test_a_call_ends_in_the_state_its_events_describe_whatever_their_order(
        app, cti, tokens, operator, caller, clock, order, cause, state, with_numbers):
    call_id = f"order-{order}-{cause}"
    for step in order:
        send(cti, step, call_id, cause, with_numbers=with_numbers)
        clock.advance(20)

    found = [call for call in calls_of(app.test_client(), tokens["calls"]).values() if call["call_id"] == call_id]
    assert len(found) == 1
    call = found[0]
    assert call["state"] == state
    if "N" in order or with_numbers:  # the newCall (or a 3CX event) said who called
        assert (call["number"], call["resident_id"], call["anonymous"]) == ("+33612345678", caller.id, False)
    else:  # an Asterisk hang-up alone says nothing of the caller: unknown, not anonymous
        assert (call["number"], call["resident_id"], call["anonymous"]) == (None, None, False)
    if "N" in order:
        assert call["queue"] == "3975-accueil"
    assert call["operator"] == ("amina.diallo" if state == "answered" else None)
    if "H" in order:
        assert call["ended_at"] is not None
    started, answered, ended = (call[key] for key in ("started_at", "answered_at", "ended_at"))
    assert started <= (answered or started) <= (ended or answered or started)
    assert min(call["wait_seconds"] or 0, call["duration_seconds"] or 0) >= 0
    if state == "answered":
        assert call["wait_seconds"] is not None and (call["duration_seconds"] is not None or "H" not in order)


def test_in_order_events_keep_their_wait_and_talking_times(app, cti, tokens, operator, clock):
    send(cti, "N", "timed", None, with_numbers=True)
    clock.advance(14)
    send(cti, "A", "timed", None, with_numbers=False)
    clock.advance(185)
    send(cti, "H", "timed", "normalClearing", with_numbers=False)
    call = calls_of(app.test_client(), tokens["calls"])["timed"]
    assert (call["state"], call["wait_seconds"], call["duration_seconds"]) == ("answered", 14, 185)


def test_an_answer_before_its_new_call_is_on_the_operator_panel_and_counts_as_answered(
        app, cti, operator, caller, clock, client_as):
    send(cti, "A", "early-answer", None, with_numbers=False)
    clock.advance(3)
    send(cti, "N", "early-answer", None, with_numbers=True)
    call = db.session.execute(db.select(Call).where(Call.call_id == "early-answer")).scalar_one()
    assert call.announced and call.state == "answered" and call.agent_id == operator.id
    assert call.resident_id == caller.id  # the newCall told who called: the panel can show the caller
    page = text_of(client_as("manager").get("/telephony/calls?state=answered"))
    assert "Jeanne Martin" in page and "Répondu" in page


def test_a_hang_up_before_its_new_call_never_leaves_the_call_ringing(app, cti, tokens, caller, clock, client_as):
    send(cti, "H", "early-hangup", "normalClearing", with_numbers=False)
    clock.advance(2)
    send(cti, "N", "early-hangup", None, with_numbers=True)
    call = calls_of(app.test_client(), tokens["calls"])["early-hangup"]
    assert call["state"] == "missed" and call["resident_id"] == caller.id
    page = text_of(client_as("manager").get("/telephony/calls?state=ringing"))
    assert "Jeanne Martin" not in page


def test_repeated_events_change_nothing(client, tokens, clock):
    cti = tokens["cti"]

    def post(body):
        return client.post(f"/api/v1/cti/{cti}", data=body)

    post({"event": "newCall", "from": "0612345678", "to": "3975", "direction": "in", "callId": "twice"})
    clock.advance(5)
    assert post({"event": "newCall", "from": "0699999999", "to": "3975", "direction": "in", "callId": "twice"}
                ).get_json() == {}
    post({"event": "hangup", "callId": "twice", "cause": "cancel"})
    call = db.session.execute(db.select(Call).where(Call.call_id == "twice")).scalar_one()
    ended = call.ended_at
    clock.advance(30)
    for repeat in ({"event": "hangup", "callId": "twice", "cause": "normalClearing"},
                   {"event": "answer", "callId": "twice"}):
        assert post(repeat).get_json() == {}
    db.session.expire_all()
    assert (call.state, call.ended_at, call.wait_seconds, call.number) == ("missed", ended, 5, "+33612345678")
    assert db.session.scalar(db.select(db.func.count()).select_from(Call).where(Call.call_id == "twice")) == 1
