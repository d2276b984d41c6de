"""Call ids stored whole or by digest: a card number in a callId is never stored, long ids never merge, and
no CTI field stores or echoes a card number."""

import json
import re
import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.cards.detector import contains_card_number
from app.extensions import db
from app.telephony.callids import call_id_digest
from app.telephony.models import Call
from tests.conftest import base_config, text_of
from tests.telephony.conftest import calls_of

NEW = {"event": "newCall", "from": "0612345678", "to": "3975", "direction": "in"}

CARD_CALL_IDS = [
    ("plain digits", "4111111111111111", "4111111111111111"),
    ("fours", "4111 1111 1111 1111", "4111111111111111"),
    ("with expiry and code", "4111 1111 1111 1111 exp 12/27 cvv 123", "4111111111111111"),
    ("dashes", "5555-5555-5555-4444", "5555555555554444"),
    ("dots", "5105.1051.0510.5100", "5105105105105100"),
    ("American Express", "3782 822463 10005", "378282246310005"),
    ("inside an id", "call-4111111111111111-1", "4111111111111111"),
    ("full-width digits", "４１１１１１１１１１１１１１１１", "4111111111111111"),
    # A PBX's 19-digit id that happens to be Luhn-valid with a Visa prefix: stored as a digest, still paired.
    ("19-digit PBX id", "4000000000000000006", "4000000000000000006"),
]


def post(client, token, body):
    return client.post(f"/api/v1/cti/{token}", data=body)


def digits(value) -> str:
    return re.sub(r"\D", "", json.dumps(value, default=str, ensure_ascii=False))


def stored_rows() -> list[dict]:
    """Every column of every call, as the database holds them (no ORM conversion)."""
    return [dict(row._mapping) for row in db.session.execute(text("SELECT * FROM calls"))]


@pytest.mark.parametrize("spelling, call_id, card", CARD_CALL_IDS, ids=[case[0] for case in CARD_CALL_IDS])
def test_a_call_id_holding_a_card_number_is_stored_as_a_digest_and_its_events_pair_up(
        app, client, client_as, tokens, operator, caller, clock, spelling, call_id, card):
    assert contains_card_number(call_id), "the detector reads this spelling"
    cti = tokens["cti"]
    assert post(client, cti, NEW | {"callId": call_id}).get_json() == {}
    clock.advance(12)
    assert post(client, cti, {"event": "answer", "callId": call_id, "answeringNumber": "201"}).get_json() == {}
    clock.advance(60)
    assert post(client, cti, {"event": "hangup", "callId": call_id, "cause": "normalClearing"}).get_json() == {}

    rows = stored_rows()
    assert len(rows) == 1 and card not in digits(rows)
    assert rows[0]["call_id"] == call_id_digest(call_id, app.config["SECRET_KEY"])
    listed = list(calls_of(client, tokens["calls"]).values())
    assert len(listed) == 1 and card not in digits(listed)
    assert (listed[0]["state"], listed[0]["wait_seconds"], listed[0]["duration_seconds"]) == ("answered", 12, 60)
    assert listed[0]["operator"] == "amina.diallo" and listed[0]["resident_id"] == caller.id
    page = client_as("manager").get("/telephony/calls")
    assert "Jeanne Martin" in text_of(page) and card not in digits(page.get_data(as_text=True))


@pytest.mark.parametrize("call_id", ["4991155921769858278-1", "550e8400-e29b-41d4-a716-446655440000",
                                     "1700000000.123", "3cx-00017", "asterisk-1700000000.123-2",
                                     "CALL_2017-03-06T08:30:00Z_0042"])
def test_a_phone_systems_usual_ids_are_stored_as_sent(client, tokens, call_id):
    assert post(client, tokens["cti"], NEW | {"callId": call_id}).get_json() == {}
    post(client, tokens["cti"], {"event": "hangup", "callId": call_id, "cause": "cancel"})
    assert [row["call_id"] for row in stored_rows()] == [call_id]
    assert calls_of(client, tokens["calls"])[call_id]["state"] == "missed"


def test_long_call_ids_sharing_their_first_120_characters_are_two_calls(client, tokens, operator):
    prefix = "sip:" + "x" * 116
    first, second = prefix + "-first", prefix + "-second"
    for call_id in (first, second):
        assert post(client, tokens["cti"], NEW | {"callId": call_id}).get_json() == {}
    post(client, tokens["cti"], {"event": "answer", "callId": first, "answeringNumber": "201"})
    post(client, tokens["cti"], {"event": "hangup", "callId": second, "cause": "cancel"})
    post(client, tokens["cti"], {"event": "hangup", "callId": first, "cause": "normalClearing"})
    states = sorted(call["state"] for call in calls_of(client, tokens["calls"]).values())
    assert states == ["answered", "missed"]


def test_a_call_id_of_1000_characters_is_kept_and_a_longer_one_refused_naming_the_field(client, tokens):
    assert post(client, tokens["cti"], NEW | {"callId": "y" * 1000}).get_json() == {}
    post(client, tokens["cti"], {"event": "hangup", "callId": "y" * 1000, "cause": "cancel"})
    assert [call["state"] for call in calls_of(client, tokens["calls"]).values()] == ["missed"]
    response = post(client, tokens["cti"], NEW | {"callId": "y" * 1001})
    assert response.status_code == 422 and "« callId »" in response.get_json()["error"]


CARD = "4111 1111 1111 1111"


@pytest.mark.parametrize("field", ["from", "to", "user", "queue", "cause", "answeringNumber"])
def test_a_card_number_in_any_other_field_is_neither_stored_nor_echoed(client, tokens, operator, field):
    for body in (NEW | {"callId": f"c-{field}", field: CARD},
                 {"event": "answer", "callId": f"c-{field}", "answeringNumber": "201", field: CARD},
                 {"event": "hangup", "callId": f"c-{field}", "cause": "normalClearing", field: f"x {CARD} exp 12/27"}):
        response = post(client, tokens["cti"], body)
        assert response.status_code == 200 and "4111111111111111" not in digits(response.get_json())
    assert "4111111111111111" not in digits(stored_rows())
    assert calls_of(client, tokens["calls"])[f"c-{field}"]["state"] == "answered"


@pytest.mark.parametrize("body, field", [
    ({"event": CARD, "callId": "x", "direction": "in"}, "event"),
    ({"event": "newCall", "callId": "x", "direction": f"{CARD} exp 12/27"}, "direction"),
    ({"event": "4111111111111111", "callId": "x"}, "event"),
])
def test_a_refused_value_holding_a_card_number_is_not_echoed_in_the_error(client, tokens, body, field):
    response = post(client, tokens["cti"], body)
    assert response.status_code == 422 and f"« {field} »" in response.get_json()["error"]
    assert "4111111111111111" not in digits(response.get_json())


def test_a_refused_value_without_a_card_number_is_named_in_the_error(client, tokens):
    response = post(client, tokens["cti"], {"event": "ringing", "callId": "x", "direction": "in"})
    assert "« ringing »" in response.get_json()["error"]


@pytest.mark.parametrize("named_by", ["the id as the phone system sent it", "the stored digest"])
def test_a_ticket_created_through_the_api_finds_a_call_stored_by_its_digest(client, tokens, operator, named_by):
    call_id = "4111111111111111"
    post(client, tokens["cti"], NEW | {"callId": call_id})
    post(client, tokens["cti"], {"event": "answer", "callId": call_id, "answeringNumber": "201"})
    stored = db.session.execute(db.select(Call)).scalar_one()
    response = client.post("/api/v1/tickets", headers={"Authorization": f"Bearer {tokens['everything']}"},
                           json={"agent_login": "amina.diallo", "channel": "phone_3975", "site": "plateforme-3975",
                                 "anonymous": True,
                                 "call_id": call_id if named_by.startswith("the id") else stored.call_id})
    assert response.status_code == 201, response.get_json()
    db.session.refresh(stored)
    assert stored.ticket_id == response.get_json()["id"]
    assert "4111111111111111" not in digits(response.get_json())


def test_migration_0020_replaces_the_stored_call_ids_that_hold_a_card_number(tmp_path):
    """Calls stored before the guard covered call ids: the upgrade keeps usual ids and digests the others."""
    path = tmp_path / "before.sqlite3"
    app = create_app(base_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade(revision="0019")
        db.engine.dispose()
    with sqlite3.connect(path) as conn:  # the guard would refuse this now: written behind its back
        conn.executemany("INSERT INTO calls (call_id, direction, anonymous, state, started_at) "
                         "VALUES (?, 'in', 0, 'missed', '2017-03-06 08:30:00')",
                         [("4111 1111 1111 1111",), ("4991155921769858278-1",)])
    with app.app_context():
        upgrade()
        stored = [row for row, in db.session.execute(text("SELECT call_id FROM calls ORDER BY id"))]
        assert stored == [call_id_digest("4111 1111 1111 1111", app.config["SECRET_KEY"]), "4991155921769858278-1"]
        assert all(db.session.execute(text("SELECT announced FROM calls")).scalars())
        db.session.remove()
        db.engine.dispose()


def test_a_ticket_created_through_the_api_finds_a_call_with_a_long_id(client, tokens, operator):
    call_id = "sip:" + "z" * 300
    post(client, tokens["cti"], NEW | {"callId": call_id})
    post(client, tokens["cti"], {"event": "answer", "callId": call_id, "answeringNumber": "201"})
    response = client.post("/api/v1/tickets", headers={"Authorization": f"Bearer {tokens['everything']}"},
                           json={"agent_login": "amina.diallo", "channel": "phone_3975", "site": "plateforme-3975",
                                 "anonymous": True, "call_id": call_id})
    assert response.status_code == 201, response.get_json()
    assert db.session.execute(db.select(Call)).scalar_one().ticket_id == response.get_json()["id"]
