"""Redis holds no card number, however it was typed: the sign-in limits count a digest of the login (and of
an address that is no IP address), never what was typed. Every key and value of the test's Redis database
is read after the sign-ins."""

import pytest

from app.auth.ratelimit import input_digest
from app.extensions import db
from tests.conftest import IsolatedClient, base_config
from tests.privacy.card_corpus import MUST_REFUSE, VISA
from tests.privacy.leaks import leaks, redis_texts

# A sign-in of an unknown login checks a full-cost dummy hash (no timing oracle): a few spellings of each
# kind, not the whole corpus (which the detector's own tests run).
SPELLINGS = ["plain 16 digits", "spaces", "two spaces", "line breaks", "zero-width spaces between digits",
             "full-width digits", "with expiry and cvv", "glued to a word", "amex spaced", "mastercard 2-series"]


@pytest.fixture
def app(database_url):
    """The app with its sign-in limits on, counted in the test's Redis database."""
    from app import create_app

    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True,
                                                  "LOGIN_RATE_LIMIT_PER_LOGIN": "3 per minute",
                                                  "LOGIN_RATE_LIMIT_PER_ADDRESS": "1000 per minute",
                                                  "TRUSTED_PROXIES": 1})
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


def _sign_in(client, login: str, forwarded_for: str = "10.0.0.7"):
    return client.post("/auth/login", data={"login": login, "password": "mauvais-mot-de-passe"},
                       headers={"X-Forwarded-For": forwarded_for})


def test_card_numbers_typed_as_a_sign_in_name_leave_no_trace_in_redis(app, redis_conn):
    client = app.test_client()
    for name in SPELLINGS:
        assert _sign_in(client, MUST_REFUSE[name]).status_code in (400, 401)
    _sign_in(client, "agent", forwarded_for="4111 1111 1111 1111")  # a forged address, behind a proxy set up wrongly
    texts = redis_texts(redis_conn)
    assert any("login-per-login" in text for text in texts) and any("login-per-address" in text for text in texts)
    assert leaks(texts, [VISA, "2223003122003222", "378282246310005"]) == []


def test_the_per_login_limit_still_counts_one_login_however_it_is_cased_or_spaced(app, redis_conn):
    client = app.test_client()
    statuses = [_sign_in(client, login).status_code for login in ("Dupont", " dupont", "DUPONT ", "dupont")]
    assert statuses == [401, 401, 401, 429]
    with app.app_context():
        digest = input_digest("dupont")
    assert any(digest in text for text in redis_texts(redis_conn))
    assert not any("dupont" in text.lower() for text in redis_texts(redis_conn))
