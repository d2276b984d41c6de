"""Admins manage agents: create, edit role/site/name, deactivate/reactivate, reset password; all audited."""

import html

import pytest

from app.audit.models import AuditEntry
from app.auth.models import Agent
from app.channels.models import Site
from app.extensions import db
from tests.conftest import sign_in
from tests.conftest import text_of as _text_of
from tests.security.factories import by_code

NEW_PASSWORD = "nouveau-mot-de-passe"


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


@pytest.fixture
def admin(reference, client_as):
    return client_as("admin")


def _actions():
    return db.session.execute(db.select(AuditEntry.action)).scalars().all()


def test_admin_creates_a_counter_agent_on_a_site(admin, app):
    site = by_code(Site, "mairie-12")
    response = admin.post("/admin/agents/new", data={
        "login": "jeanne.roux", "name": "Jeanne Roux", "role": "counter_agent", "site_id": str(site.id),
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, text_of(response)
    agent = db.session.execute(db.select(Agent).where(Agent.login == "jeanne.roux")).scalar_one()
    assert agent.site_id == site.id and "agent.create" in _actions()
    assert sign_in(app.test_client(), "jeanne.roux", NEW_PASSWORD).status_code == 302
    assert "jeanne.roux" in text_of(admin.get("/admin/agents/"))


def test_counter_agent_without_site_and_taken_login_are_refused_on_the_field(admin):
    data = {"login": "x.y", "name": "X", "role": "counter_agent", "site_id": "None",
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = admin.post("/admin/agents/new", data=data)
    assert response.status_code == 400 and "doit être rattaché à une mairie" in text_of(response)
    taken = admin.post("/admin/agents/new", data=data | {"login": admin.agent.login, "role": "manager"})
    assert taken.status_code == 400 and "existe déjà" in text_of(taken)


def test_role_change_ends_the_agents_sessions(admin, make_agent, app):
    agent = make_agent("counter_agent", site_code="mairie-02")
    their_client = app.test_client()
    sign_in(their_client, agent.login)
    assert their_client.get("/").status_code == 200
    response = admin.post(f"/admin/agents/{agent.id}", data={"name": "Nouveau nom", "role": "manager",
                                                             "site_id": "None"})
    assert response.status_code == 302
    db.session.refresh(agent)
    assert (agent.role, agent.name, agent.site_id) == ("manager", "Nouveau nom", None)
    assert their_client.get("/").status_code == 302  # signed out
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "agent.update")).scalar_one()
    assert entry.detail["role"] == ["counter_agent", "manager"]
    assert entry.detail["fields"] == ["name", "role", "site"] and "Nouveau nom" not in str(entry.detail)


def test_deactivate_then_reactivate(admin, make_agent, app):
    agent = make_agent("manager")
    their_client = app.test_client()
    sign_in(their_client, agent.login)
    admin.post(f"/admin/agents/{agent.id}/active")
    db.session.refresh(agent)
    assert not agent.active and their_client.get("/").status_code == 302
    assert sign_in(app.test_client(), agent.login).status_code == 401
    admin.post(f"/admin/agents/{agent.id}/active")
    db.session.refresh(agent)
    assert agent.active and sign_in(app.test_client(), agent.login).status_code == 302
    assert {"agent.deactivate", "agent.reactivate"} <= set(_actions())


def test_admin_cannot_deactivate_or_demote_themself(admin):
    admin.post(f"/admin/agents/{admin.agent.id}/active")
    response = admin.post(f"/admin/agents/{admin.agent.id}", data={"name": "Moi", "role": "manager",
                                                                   "site_id": "None"})
    assert response.status_code == 400 and "propre rôle" in text_of(response)
    db.session.refresh(admin.agent)
    assert admin.agent.active and admin.agent.role == "admin"


def test_password_reset_ends_sessions_and_is_audited_without_the_password(admin, make_agent, app):
    agent = make_agent("manager")
    their_client = app.test_client()
    sign_in(their_client, agent.login)
    short = admin.post(f"/admin/agents/{agent.id}/password", data={"password": "court", "confirm": "court"})
    assert short.status_code == 400 and "Au moins 10 caractères" in text_of(short)
    response = admin.post(f"/admin/agents/{agent.id}/password",
                          data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert their_client.get("/").status_code == 302
    assert sign_in(app.test_client(), agent.login, NEW_PASSWORD).status_code == 302
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "agent.password_reset")).scalar_one()
    assert NEW_PASSWORD not in str(entry.detail)


@pytest.mark.parametrize("role", ["counter_agent", "operator_3975", "facil_familles", "manager"])
def test_only_admins_manage_agents(role, client_as, reference):
    client = client_as(role)
    assert client.get("/admin/agents/").status_code == 403
    assert client.post(f"/admin/agents/{client.agent.id}", data={"role": "admin", "name": "x"}).status_code == 403
    db.session.refresh(client.agent)
    assert client.agent.role == role


def test_admin_home_page_leads_to_agents_audit_and_personal_data(admin):
    page = admin.get("/").get_data(as_text=True)
    for url in ("/admin/agents/", "/audit/", "/privacy/"):
        assert f'href="{url}"' in page
