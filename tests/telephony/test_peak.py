"""The 3975's peak on one token: 200 calls at once, their 600 events posted by 200 concurrent clients to a
served application (a real HTTP server, real commits, the rate limit on in Redis); and 429 beyond the limit.

The rows these tests commit (token, operator, calls, audit entries) are deleted at the end.
"""

import threading
import time
import uuid
from itertools import permutations

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server
from zammad_cti import CTIClient

from app import create_app
from app.api.tokens import create_token
from app.auth.models import Agent
from app.auth.services import create_agent
from app.extensions import db
from app.telephony.models import Call
from tests.conftest import PASSWORD, IsolatedClient, base_config

CALLS = 200  # 580 events: every tenth call is hung up unanswered (two events)
ORDERS = ["".join(order) for order in permutations("NAH")]


@pytest.fixture
def live(database_url):
    """An application with the rate limit on (its default CTI limit, counted in Redis), its CTI token and an
    operator with extension 201, committed for real; everything removed at the end."""
    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True})
    app.test_client_class = IsolatedClient
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        token, plain = create_token(f"Standard {tag}", "cti", all_sites=True)  # no reference data here
        operator = create_agent(f"op-{tag}", "operator_3975", PASSWORD, name=f"Opératrice {tag}")
        operator.extension = f"9{tag[:3]}"
        db.session.commit()
        ids = {"token": token.id, "operator": operator.id, "extension": operator.extension}
    yield app, plain, tag, ids
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM calls WHERE call_id LIKE :tag"), {"tag": f"{tag}-%"})
        conn.execute(text("DELETE FROM audit_entries WHERE object_type = 'integration_token' AND object_id = :id"),
                     {"id": str(ids["token"])})
        conn.execute(text("DELETE FROM audit_entries WHERE agent_id = :id"), {"id": ids["operator"]})
        conn.execute(text("DELETE FROM integration_tokens WHERE id = :id"), {"id": ids["token"]})
        conn.execute(text("DELETE FROM agents WHERE id = :id"), {"id": ids["operator"]})
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def served(live):
    """The live application behind a real threaded HTTP server on a free port."""
    app = live[0]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", *live
    server.shutdown()
    thread.join(30)


def expected(i: int) -> tuple[str, str, str]:
    """Call i's events in one of the six orders; every tenth call is hung up unanswered (the caller gave up)."""
    if i % 10 == 9:
        return ("NH" if i % 20 == 9 else "HN"), "cancel", "missed"
    return ORDERS[i % len(ORDERS)], "normalClearing", "answered"


def test_200_calls_at_once_on_one_token_are_all_accepted_and_end_in_the_right_state(served):
    base, app, plain, tag, ids = served
    barrier, errors, answers = threading.Barrier(CALLS), [], []

    def one_call(i: int) -> None:
        client = CTIClient(url=f"{base}/api/v1/cti/{plain}")
        order, cause, _state = expected(i)
        call_id = f"{tag}-{i:03d}"
        try:
            barrier.wait(60)
            for step in order:
                if step == "N":
                    answers.append(client.new_call(f"06{i:08d}", "3975", "in", call_id, user="Plateau"))
                elif step == "A":  # as the Asterisk bridge sends them: no numbers
                    answers.append(client.answer(None, None, None, call_id, answering_number=ids["extension"]))
                else:
                    answers.append(client.hangup(None, None, None, call_id, cause))
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            errors.append((i, repr(exc)))
        finally:
            client._session.close()

    threads = [threading.Thread(target=one_call, args=(i,)) for i in range(CALLS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    events = sum(len(expected(i)[0]) for i in range(CALLS))
    print(f"\n{events} CTI events from {CALLS} concurrent clients in {elapsed:.1f} s")

    assert errors == [] and answers == [{}] * events
    with app.app_context():
        calls = {call.call_id: call for call in db.session.execute(
            db.select(Call).where(Call.call_id.like(f"{tag}-%"))).scalars()}
        operator = db.session.get(Agent, ids["operator"])
        assert len(calls) == CALLS
        for i in range(CALLS):
            call = calls[f"{tag}-{i:03d}"]
            _order, cause, state = expected(i)
            assert (call.state, call.cause, call.announced) == (state, cause, True), i
            assert call.number == f"+336{i:08d}", i
            assert call.ended_at is not None and call.started_at <= call.ended_at, i
            assert call.agent_id == (operator.id if state == "answered" else None), i
            if state == "answered":
                assert call.answered_at is not None and call.answered_at <= call.ended_at, i


def test_beyond_the_cti_limit_the_endpoint_answers_429_json_with_retry_after(live):
    app, plain, tag, _ids = live
    app.config["CTI_RATE_LIMIT"] = "5 per minute"
    client = app.test_client()
    statuses = [client.post(f"/api/v1/cti/{plain}", data={"event": "newCall", "from": "0612345678", "to": "3975",
                                                          "direction": "in", "callId": f"{tag}-{i}"}).status_code
                for i in range(7)]
    limited = client.post(f"/api/v1/cti/{plain}", data={"event": "hangup", "callId": f"{tag}-0"})
    assert statuses == [200] * 5 + [429] * 2
    assert limited.status_code == 429 and limited.is_json and "réessayez" in limited.get_json()["error"]
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Call)
                                 .where(Call.call_id.like(f"{tag}-%"))) == 5


@pytest.mark.parametrize("value, accepted", [("2000 per 10 seconds", True), ("1200 per 10 seconds;20000 per hour", True),
                                             ("beaucoup", False), ("1200 par minute", False)])
def test_the_cti_limit_is_set_by_relais_cti_rate_limit_and_an_unreadable_one_stops_the_start(
        database_url, monkeypatch, value, accepted):
    monkeypatch.setenv("RELAIS_CTI_RATE_LIMIT", value)
    if accepted:
        app = create_app(base_config(database_url))
        assert app.config["CTI_RATE_LIMIT"] == value
        with app.app_context():
            db.engine.dispose()
    else:
        with pytest.raises(RuntimeError, match="RELAIS_CTI_RATE_LIMIT : limite illisible"):
            create_app(base_config(database_url))
