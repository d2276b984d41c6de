"""Sign-in, sign-out, lock-out, idle expiry, and the guard on every page."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest

from app.auth.models import Agent
from app.auth.services import deactivate_agent, set_password
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import PASSWORD, sign_in, text_of


def test_sign_in_page_is_in_french_and_labelled(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'lang="fr"' in body
    assert '<label for="login">Identifiant</label>' in body
    assert '<label for="password">Mot de passe</label>' in body
    assert 'href="#contenu"' in body  # skip link


def test_anonymous_request_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_anonymous_request_to_unknown_page_is_sent_to_sign_in(client):
    response = client.get("/contacts/12345")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_health_is_public(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
    assert client.get("/health").get_json()["database"] == "ok"


def test_static_files_are_public(client):
    response = client.get("/static/css/relais.css")
    assert response.status_code == 200
    response.close()


def test_agent_signs_in_and_lands_on_home(client, make_agent):
    agent = make_agent("manager", name="Louis Pilotage")
    response = sign_in(client, agent.login)
    assert response.status_code == 302
    home = client.get(response.headers["Location"])
    assert home.status_code == 200
    assert "Bonjour Louis Pilotage" in text_of(home)
    assert "Responsable" in text_of(home)


def test_login_is_case_insensitive(client, make_agent):
    agent = make_agent("admin", login="aline")
    assert sign_in(client, "ALINE").status_code == 302
    db.session.refresh(agent)
    assert agent.last_login_at is not None


def test_wrong_password_does_not_say_whether_login_exists(client, make_agent):
    agent = make_agent("admin")
    wrong_password = sign_in(client, agent.login, "pas-le-bon-mot")
    unknown_login = sign_in(client, "personne-de-ce-nom", "pas-le-bon-mot")
    assert wrong_password.status_code == unknown_login.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in text_of(wrong_password)
    assert "Identifiant ou mot de passe incorrect." in text_of(unknown_login)


def test_sixth_try_is_refused_with_lock_message(client, make_agent):
    agent = make_agent("counter_agent")
    for _ in range(5):
        assert sign_in(client, agent.login, "mauvais-mot-de-passe").status_code == 401
    response = sign_in(client, agent.login, PASSWORD)  # right password, but locked
    assert response.status_code == 401
    assert "verrouillé" in text_of(response)
    db.session.refresh(agent)
    assert agent.locked_until is not None


def test_lock_ends_after_fifteen_minutes(client, make_agent):
    agent = make_agent("counter_agent")
    agent.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, agent.login).status_code == 302


def test_sessions_expire_after_thirty_idle_minutes(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)
    assert app.config["SESSION_REFRESH_EACH_REQUEST"] is True


def test_session_cookie_is_permanent_and_http_only(client, make_agent):
    agent = make_agent("manager")
    response = sign_in(client, agent.login)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_sign_out_ends_the_session(client, make_agent):
    agent = make_agent("manager")
    sign_in(client, agent.login)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_deactivated_agent_is_signed_out_and_cannot_sign_in(client, make_agent):
    agent = make_agent("operator_3975")
    sign_in(client, agent.login)
    deactivate_agent(agent)
    db.session.commit()
    assert client.get("/").status_code == 302
    assert sign_in(client, agent.login).status_code == 401


def test_password_change_ends_other_sessions(client, make_agent):
    agent = make_agent("operator_3975")
    sign_in(client, agent.login)
    set_password(agent, "un-nouveau-mot-de-passe")
    db.session.commit()
    assert client.get("/").status_code == 302
    assert sign_in(client, agent.login, "un-nouveau-mot-de-passe").status_code == 302


def test_next_parameter_cannot_redirect_elsewhere(client, make_agent):
    agent = make_agent("manager")
    response = client.post("/auth/login?next=https://exemple.org/", data={"login": agent.login,
                                                                           "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed_with_argon2(make_agent):
    agent = make_agent("admin")
    stored = db.session.get(Agent, agent.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("role", ["counter_agent", "operator_3975", "facil_familles", "manager", "admin"])
def test_each_role_has_a_home_page(client_as, role):
    response = client_as(role).get("/")
    assert response.status_code == 200
    assert "Bonjour" in text_of(response)


@pytest.mark.parametrize("target, lands_on", [
    ("/tickets/mine", "/tickets/mine"),
    ("/contacts/?q=x", "/contacts/?q=x"),
    ("//evil.example/", "/"),
    ("/\\evil.example/", "/"),  # browsers read "/\" as "//": another site
    ("https://evil.example/", "/"),
    ("javascript:alert(1)", "/"),
    ("evil.example", "/"),
    ("", "/"),
])
def test_sign_in_returns_only_to_a_page_of_this_site(client, make_agent, target, lands_on):
    agent = make_agent("counter_agent", site_code=None)
    response = client.post("/auth/login?" + urlencode({"next": target}), data={"login": agent.login,
                                                                                "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on
