"""Sign-in is rate limited per address and per login, on Redis, and keeps working without Redis."""

import uuid

import pytest

from app import create_app
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, base_config, sign_in, text_of

DEAD_REDIS = "redis://127.0.0.1:1/0"


def _limited_app(database_url, **overrides):
    config = base_config(database_url) | {
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "6 per minute",
        "LOGIN_RATE_LIMIT_PER_LOGIN": "3 per minute",
    } | overrides
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database_url, request):
    """The app with rate limiting on; parametrized indirectly with extra configuration."""
    app = _limited_app(database_url, **getattr(request, "param", {}))
    yield app
    with app.app_context():
        db.engine.dispose()


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _post_login(client, login, address, password="mauvais-mot-de-passe"):
    return client.post("/auth/login", data={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_same_login_from_many_addresses_is_throttled_with_a_french_page(app, redis_conn):
    client = app.test_client()
    login = f"cible-{uuid.uuid4().hex[:6]}"
    statuses = [_post_login(client, login, _address()).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = _post_login(client, login, _address())
    assert response.status_code == 429
    assert "Trop de tentatives" in text_of(response)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "login.throttled")).scalar_one()
    assert entry.agent_login == login


def test_many_logins_from_one_address_are_throttled(app, redis_conn):
    client = app.test_client()
    address = _address()
    statuses = [_post_login(client, f"essai-{n}-{uuid.uuid4().hex[:4]}", address).status_code for n in range(7)]
    assert statuses[:6] == [401] * 6
    assert statuses[6] == 429


def test_sign_in_page_itself_is_not_limited(app, redis_conn):
    client = app.test_client()
    assert all(client.get("/auth/login").status_code == 200 for _ in range(10))


def test_limits_are_counted_in_redis(app, redis_conn):
    _post_login(app.test_client(), f"compte-{uuid.uuid4().hex[:6]}", _address())
    keys = [key.decode() for key in redis_conn.keys("*")]
    assert any("login-per-login" in key for key in keys), keys


@pytest.mark.parametrize("app", [{"RATELIMIT_STORAGE_URI": DEAD_REDIS}], indirect=True)
def test_without_redis_sign_in_still_works_and_is_still_limited(app, make_agent):
    agent = make_agent("manager")
    client = app.test_client()
    assert sign_in(client, agent.login).status_code == 302
    login = f"autre-{uuid.uuid4().hex[:6]}"
    anonymous = app.test_client()
    statuses = [_post_login(anonymous, login, _address()).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_agents_signing_in_from_one_town_hall_address_are_not_counted_by_the_address_limit(app, redis_conn,
                                                                                          make_agent):
    address = _address()
    agents = [make_agent("counter_agent") for _ in range(8)]  # more than the 6 per minute of the address limit
    statuses = [_post_login(app.test_client(), agent.login, address, password=PASSWORD).status_code
                for agent in agents]
    assert statuses == [302] * 8


def test_behind_the_proxy_one_agents_failures_do_not_throttle_another_agent(database_url, redis_conn,
                                                                            make_agent, monkeypatch):
    monkeypatch.setenv("RELAIS_TRUSTED_PROXIES", "1")  # as deploy/relais.env.example sets it
    proxied = _limited_app(database_url)
    agent = make_agent("counter_agent")
    nginx = _address()

    def post(login, client_address, password="mauvais-mot-de-passe"):
        return proxied.test_client().post("/auth/login", data={"login": login, "password": password},
                                          environ_base={"REMOTE_ADDR": nginx},
                                          headers={"X-Forwarded-For": client_address})

    attacker = _address()
    statuses = [post(f"essai-{n}-{uuid.uuid4().hex[:4]}", attacker).status_code for n in range(7)]
    assert statuses[-1] == 429  # the attacker's own address is throttled...
    assert post(agent.login, _address(), PASSWORD).status_code == 302  # ...not the agent behind the same nginx


def test_the_deploy_files_trust_one_proxy_and_nginx_passes_the_client_address():
    from pathlib import Path

    deploy = Path(__file__).resolve().parents[2] / "deploy"
    settings = dict(line.split("=", 1) for line in (deploy / "relais.env.example").read_text().splitlines()
                    if line and not line.startswith("#"))
    assert settings["RELAIS_TRUSTED_PROXIES"] == "1"
    assert {"LOGIN_RATE_LIMIT_PER_LOGIN", "LOGIN_RATE_LIMIT_PER_ADDRESS"} <= set(settings)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in (deploy / "nginx-relais.conf").read_text()


@pytest.mark.parametrize(("value", "limit"), [
    ('"20 per minute;200 per hour"', "20 per minute;200 per hour"),  # quoted as in the env file
    ("100/minute", "100/minute"),
])
def test_the_address_limit_is_set_by_environment(database_url, monkeypatch, value, limit):
    monkeypatch.setenv("LOGIN_RATE_LIMIT_PER_ADDRESS", value)
    assert create_app(base_config(database_url)).config["LOGIN_RATE_LIMIT_PER_ADDRESS"] == limit


def test_an_unreadable_limit_is_refused_at_start_with_a_french_message(database_url, monkeypatch):
    monkeypatch.setenv("LOGIN_RATE_LIMIT_PER_LOGIN", "dix par minute")
    with pytest.raises(RuntimeError, match="LOGIN_RATE_LIMIT_PER_LOGIN : limite illisible"):
        create_app(base_config(database_url))
