"""Server-side sessions: a cookie is worth nothing once the server has ended its session."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from app import create_app
from app.auth.admin_services import update_agent
from app.auth.models import AgentSession
from app.auth.services import deactivate_agent, set_password
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import base_config, sign_in


def _signed_in(app, agent):
    client = app.test_client()
    assert sign_in(client, agent.login).status_code == 302
    return client


def _replay(app, cookie_value):
    """A fresh browser presenting a cookie captured earlier."""
    client = app.test_client()
    client.set_cookie("session", cookie_value)
    return client


def _session_row(agent) -> AgentSession:
    return db.session.execute(db.select(AgentSession).where(AgentSession.agent_id == agent.id)
                              .order_by(AgentSession.id.desc())).scalars().first()


def _goes_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_cookie_captured_before_sign_out_is_refused_afterwards(app, make_agent):
    agent = make_agent("operator_3975")
    client = _signed_in(app, agent)
    captured = client.get_cookie("session").value
    assert client.get("/tickets/mine").status_code == 200
    client.post("/auth/logout")
    replayed = _replay(app, captured)
    assert _goes_to_sign_in(replayed.get("/tickets/mine"))
    assert _goes_to_sign_in(replayed.post("/tickets/new", data={"channel_id": "1"}))
    row = _session_row(agent)
    assert row.ended_at is not None and row.end_reason == "logout"


def test_signing_out_one_browser_leaves_the_agents_other_browser_signed_in(app, make_agent):
    agent = make_agent("manager")
    desk, tablet = _signed_in(app, agent), _signed_in(app, agent)
    desk.post("/auth/logout")
    assert tablet.get("/").status_code == 200
    assert _goes_to_sign_in(desk.get("/"))


@pytest.mark.parametrize("end", [
    pytest.param(lambda agent, admin: deactivate_agent(agent), id="deactivated"),
    pytest.param(lambda agent, admin: set_password(agent, "un-nouveau-mot-de-passe"), id="password"),
    pytest.param(lambda agent, admin: update_agent(agent, agent.name, "manager", None, admin), id="role"),
])
def test_deactivation_password_or_role_change_end_the_session_on_the_server(app, make_agent, end):
    agent, admin = make_agent("operator_3975"), make_agent("admin")
    client = _signed_in(app, agent)
    captured = client.get_cookie("session").value
    end(agent, admin)
    db.session.commit()
    assert _goes_to_sign_in(_replay(app, captured).get("/"))
    assert _session_row(agent).ended_at is not None


def test_a_session_ends_after_a_working_day_however_active(app, make_agent):
    agent = make_agent("counter_agent")
    client = _signed_in(app, agent)
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == timedelta(hours=10)
    db.session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(
        started_at=utcnow() - timedelta(hours=10, minutes=1), last_seen_at=utcnow()))
    db.session.commit()
    assert _goes_to_sign_in(client.get("/"))
    assert _session_row(agent).end_reason == "expired"


def test_an_idle_session_ends_on_the_server_whatever_the_cookie_says(app, make_agent):
    agent = make_agent("counter_agent")
    client = _signed_in(app, agent)
    db.session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(
        last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    assert _goes_to_sign_in(client.get("/"))
    assert _session_row(agent).end_reason == "idle"


def test_activity_keeps_a_session_open_and_is_written_at_most_once_a_minute(app, make_agent):
    agent = make_agent("counter_agent")
    client = _signed_in(app, agent)
    db.session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(
        last_seen_at=utcnow() - timedelta(minutes=29)))
    db.session.commit()
    assert client.get("/").status_code == 200
    seen = _session_row(agent).last_seen_at
    assert utcnow() - seen < timedelta(seconds=5)
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert _session_row(agent).last_seen_at == seen


def test_a_cookie_without_a_server_session_goes_to_sign_in(app, make_agent):
    agent = make_agent("manager")
    client = _signed_in(app, agent)
    with client.session_transaction() as cookie:
        cookie["sid"] = "forged-" + "x" * 30
    assert _goes_to_sign_in(client.get("/"))


def test_the_sessions_table_holds_no_usable_cookie(app, make_agent):
    agent = make_agent("manager")
    client = _signed_in(app, agent)
    with client.session_transaction() as cookie:
        token = cookie["sid"]
    assert _session_row(agent).token_digest != token.encode()
    assert len(_session_row(agent).token_digest) == 32


@pytest.mark.parametrize(("variables", "idle", "absolute"), [
    ({}, timedelta(minutes=30), timedelta(hours=10)),
    ({"RELAIS_SESSION_HOURS": "8"}, timedelta(minutes=30), timedelta(hours=8)),
    ({"RELAIS_SESSION_IDLE_MINUTES": "15", "RELAIS_SESSION_HOURS": "12"}, timedelta(minutes=15), timedelta(hours=12)),
])
def test_session_lifetimes_are_set_by_environment(database_url, monkeypatch, variables, idle, absolute):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    app = create_app(base_config(database_url))
    assert app.config["PERMANENT_SESSION_LIFETIME"] == idle
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == absolute


@pytest.mark.parametrize("value", ["0", "huit", "-3", "8.5"])
def test_a_bad_session_lifetime_is_refused_at_start_with_a_french_message(database_url, monkeypatch, value):
    monkeypatch.setenv("RELAIS_SESSION_HOURS", value)
    with pytest.raises(RuntimeError, match="RELAIS_SESSION_HOURS doit être un nombre entier positif"):
        create_app(base_config(database_url))


def test_signing_in_drops_the_agents_sessions_older_than_a_working_day(app, make_agent):
    agent = make_agent("manager")
    _signed_in(app, agent)
    db.session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(
        started_at=utcnow() - timedelta(hours=11)))
    db.session.commit()
    _signed_in(app, agent)
    _signed_in(app, agent)
    rows = db.session.execute(db.select(AgentSession).where(AgentSession.agent_id == agent.id)).scalars().all()
    assert len(rows) == 2 and all(utcnow() - row.started_at < timedelta(minutes=1) for row in rows)
