"""`POST /api/v1/cti/<token>`: body shapes, idempotent events, JSON errors in French, never a 500."""

import json

import pytest

from app.api.models import IntegrationToken
from app.api.tokens import create_token, revoke_token
from app.audit.models import AuditEntry
from app.extensions import db
from app.telephony.models import Call


def post(client, token, body=None, *, as_json=False, **kwargs):
    if as_json:
        return client.post(f"/api/v1/cti/{token}", json=body, **kwargs)
    return client.post(f"/api/v1/cti/{token}", data=body, **kwargs)


def call(call_id):
    return db.session.execute(db.select(Call).where(Call.call_id == call_id)).scalar_one_or_none()


NEW = {"event": "newCall", "from": "0612345678", "to": "3975", "direction": "in"}


@pytest.mark.parametrize("key", ["callId", "call_id", "callid"])
def test_every_spelling_of_the_call_id_is_read(client, tokens, key):
    assert post(client, tokens["cti"], NEW | {key: f"id-{key}"}).get_json() == {}
    assert call(f"id-{key}") is not None


@pytest.mark.parametrize("shape, body, as_json", [
    ("repeated", NEW | {"callId": "u1", "user": ["Amina Diallo", "Paul Roux"]}, False),
    ("brackets", NEW | {"callId": "u1", "user[]": ["Amina Diallo", "Paul Roux"]}, False),
    ("comma-separated", NEW | {"callId": "u1", "user": "Amina Diallo, Paul Roux"}, False),
    ("JSON array", NEW | {"callId": "u1", "user": ["Amina Diallo", "Paul Roux"]}, True),
    ("JSON string", NEW | {"callId": "u1", "user": "Amina Diallo,Paul Roux"}, True),
])
def test_user_is_read_in_every_shape_clients_send(client, tokens, shape, body, as_json):
    assert post(client, tokens["cti"], body, as_json=as_json).status_code == 200, shape
    assert call("u1").users == "Amina Diallo, Paul Roux"


def test_multipart_bodies_are_read(client, tokens):
    response = post(client, tokens["cti"], NEW | {"callId": "mp-1"}, content_type="multipart/form-data")
    assert response.status_code == 200 and call("mp-1").number == "+33612345678"


def test_queue_defaults_to_the_dialled_number_as_zammad_does(client, tokens):
    post(client, tokens["cti"], NEW | {"callId": "q-1"})
    assert call("q-1").queue == "3975"


def test_anonymous_caller_is_recorded_as_anonymous(client, tokens):
    post(client, tokens["cti"], NEW | {"callId": "anon-1", "from": "anonymous"})
    assert call("anon-1").anonymous and call("anon-1").number is None


def test_answer_and_hangup_may_come_without_from_and_to(client, tokens, operator):
    post(client, tokens["cti"], NEW | {"callId": "bare-1"})
    assert post(client, tokens["cti"], {"event": "answer", "callId": "bare-1", "answeringNumber": "201"}
                ).get_json() == {}
    assert post(client, tokens["cti"], {"event": "hangup", "callId": "bare-1", "cause": "normalClearing"}
                ).get_json() == {}
    assert call("bare-1").state == "answered" and call("bare-1").agent_id == operator.id


def test_operator_is_found_by_login_or_name_when_there_is_no_extension(client, tokens, operator):
    for call_id, user in (("by-login", "amina.diallo"), ("by-name", "Amina Diallo")):
        post(client, tokens["cti"], NEW | {"callId": call_id})
        post(client, tokens["cti"], {"event": "answer", "callId": call_id, "user": user})
        assert call(call_id).agent_id == operator.id, user


def test_forwarded_hangup_is_a_forwarded_call(client, tokens):
    post(client, tokens["cti"], NEW | {"callId": "fw-1"})
    post(client, tokens["cti"], {"event": "hangup", "callId": "fw-1", "cause": "forwarded"})
    assert call("fw-1").state == "forwarded"


@pytest.mark.parametrize("body, field", [
    ({"event": "ringing", "callId": "x", "direction": "in"}, "event"),
    ({"callId": "x", "direction": "in"}, "event"),
    (NEW | {"callId": "x", "direction": "sideways"}, "direction"),
    ({"event": "newCall", "from": "0612345678", "callId": "x"}, "direction"),
    (NEW, "callId"),
])
def test_unreadable_events_get_422_with_a_french_message_naming_the_field(client, tokens, body, field):
    response = post(client, tokens["cti"], body)
    assert response.status_code == 422 and response.is_json
    assert f"« {field} »" in response.get_json()["error"]


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    (json.dumps({"event": {"a": 1}, "callId": ["x"]}), "application/json"),
    (json.dumps(NEW | {"callId": "big", "user": ["x" * 5000] * 50, "queue": "q" * 5000}), "application/json"),
    ("\x00\xff", "application/x-www-form-urlencoded"),
    ("", "text/plain"),
])
def test_odd_bodies_never_get_a_server_error(client, tokens, data, content_type):
    response = client.post(f"/api/v1/cti/{tokens['cti']}", data=data, content_type=content_type)
    assert response.status_code in (200, 422) and response.is_json


def test_bad_and_revoked_tokens_get_401_json_and_an_audit_entry(client, tokens):
    assert post(client, "not-a-token", NEW | {"callId": "t1"}).status_code == 401
    token = db.session.execute(db.select(IntegrationToken).where(IntegrationToken.name == "Intégration cti")
                               ).scalar_one()
    revoke_token(token)
    db.session.commit()
    response = post(client, tokens["cti"], NEW | {"callId": "t1"})
    assert response.status_code == 401 and "Jeton invalide" in response.get_json()["error"]
    assert call("t1") is None
    refused = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "integration.refused")).scalars()
    assert [entry.detail["reason"] for entry in refused] == ["unknown", "revoked"]


def test_a_token_without_the_cti_scope_gets_403_json(client, tokens):
    response = post(client, tokens["calls"], NEW | {"callId": "t2"})
    assert response.status_code == 403 and "cti" in response.get_json()["error"]


def test_each_event_is_audited_with_the_token_and_counted(client):
    token, plain = create_token("Standard 3975", "cti", all_sites=True)
    db.session.commit()
    post(client, plain, NEW | {"callId": "a1"})
    post(client, plain, {"event": "hangup", "callId": "a1", "cause": "cancel"})
    db.session.refresh(token)
    assert token.use_count == 2 and token.last_used_at is not None
    used = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "integration.used",
                                                          AuditEntry.object_id == str(token.id))).scalars().all()
    assert len(used) == 2 and all(entry.agent_login == "Standard 3975" for entry in used)
    assert all("0612345678" not in json.dumps(entry.detail) for entry in used)
