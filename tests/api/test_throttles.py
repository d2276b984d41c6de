"""Bad bearer tokens are throttled per address and audited once per burst; rate-limit keys hold digests;
the use counter is one atomic UPDATE (100 concurrent uses -> +100)."""

import threading

import pytest

from app import create_app
from app.api.models import IntegrationToken
from app.api.tokens import create_token
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import IsolatedClient, _redis_or_skip, base_config


@pytest.fixture
def limited_redis(database_url):
    """The real Redis of the tests (its own database number), emptied before and after."""
    conn = _redis_or_skip(base_config(database_url)["REDIS_URL"])
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def limited_app(database_url, limited_redis):
    """An app with its rate limits on (5 bad tokens per minute per address), committing for real (not the
    rolled-back test transaction: requests run in threads), its rows removed afterwards."""
    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True, "API_BAD_TOKEN_LIMIT": "5 per minute"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.execute(db.delete(AuditEntry).where(AuditEntry.action.like("integration.%")))
        db.session.execute(db.delete(AuditEntry).where(AuditEntry.action == "call.list"))
        db.session.execute(db.delete(IntegrationToken))
        db.session.commit()
        db.engine.dispose()


def test_a_burst_of_bad_tokens_is_throttled_per_address_and_audited_once(limited_app, limited_redis):
    client = limited_app.test_client()
    guesses = [f"devine-{n:03d}" for n in range(40)]
    answers = [client.get("/api/v1/calls", headers={"Authorization": f"Bearer {guess}"}) for guess in guesses]
    assert [a.status_code for a in answers] == [401] * 5 + [429] * 35
    assert answers[-1].is_json and "Trop de jetons invalides" in answers[-1].get_json()["error"]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    entries = list(db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "integration.refused")
                                      .order_by(AuditEntry.id)).scalars())
    assert [entry.detail.get("throttled", False) for entry in entries] == [False, True]
    db.session.rollback()  # end the read: on SQLite it holds the write lock the next requests need
    elsewhere = client.get("/api/v1/calls", headers={"Authorization": "Bearer autre"},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 401
    plain = create_token("Valide", "calls:read", all_sites=True)[1]
    db.session.commit()
    assert client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    keys = [key.decode() for key in limited_redis.keys("*")]
    assert keys and not [key for key in keys if "127.0.0.1" in key or "devine" in key or plain in key], keys


def test_the_use_counter_loses_no_concurrent_increment(limited_app):
    """10 threads × 10 requests started together by a barrier: the counter says 100."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter; SQLite serialises them")
    limited_app.config["API_RATE_LIMIT"] = "1000 per minute"
    token, plain = create_token("Compté", "calls:read", all_sites=True)
    db.session.commit()
    threads, barrier, statuses = 10, threading.Barrier(10), []

    def use_ten_times():
        client = limited_app.test_client()
        barrier.wait()
        statuses.extend(client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"}).status_code
                        for _ in range(10))

    workers = [threading.Thread(target=use_ten_times) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    db.session.expire_all()
    assert statuses == [200] * 100
    assert db.session.get(IntegrationToken, token.id).use_count == 100
