"""CSRF on every state-changing request, cookie flags, security headers, and nothing personal in URLs."""

import html
import re

import pytest

from app import create_app
from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.cards.detector import CARD_MASK
from app.extensions import db
from app.privacy.settings import AUDIT_RETENTION_DAYS, get_setting
from tests.conftest import PASSWORD, IsolatedClient, base_config
from tests.conftest import text_of as _text_of
from tests.security.factories import make_resident


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


@pytest.fixture
def app(database_url, request):
    """The app, with extra configuration when parametrized indirectly."""
    app = create_app(base_config(database_url) | getattr(request, "param", {}))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


CSRF_ON = pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)


def _token(page) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)


def _sign_in_with_token(client, login):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


@CSRF_ON
def test_sign_in_without_token_is_refused(app, make_agent):
    agent = make_agent("manager")
    response = app.test_client().post("/auth/login", data={"login": agent.login, "password": PASSWORD})
    assert response.status_code == 400 and "Formulaire expiré" in text_of(response)


@CSRF_ON
def test_post_without_token_is_refused_on_a_real_route_and_changes_nothing(app, make_agent):
    client = _sign_in_with_token(app.test_client(), make_agent("admin").login)
    response = client.post("/privacy/settings", data={"audit_retention_days": "40", "resident_inactivity_days": "1095",
                                                      "ticket_notes_retention_days": "730"})
    assert response.status_code == 400 and "Formulaire expiré" in text_of(response)
    assert get_setting(AUDIT_RETENTION_DAYS) == 365
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


@CSRF_ON
def test_script_requests_pass_with_the_header_token_from_the_page(app, make_agent, reference):
    client = _sign_in_with_token(app.test_client(), make_agent("counter_agent", site_code="mairie-02").login)
    token = _token(client.get("/"))
    refused = client.post("/contacts/search/live", data={"q": "lefevre"})
    assert refused.status_code == 400
    accepted = client.post("/contacts/search/live", data={"q": "lefevre"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert client.post("/auth/logout", headers={"X-CSRFToken": token}).status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, make_agent):
    response = client.post("/auth/login", data={"login": make_agent("manager").login, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_and_https_enforced_in_production(database_url, monkeypatch):
    monkeypatch.setenv("RELAIS_ENV", "production")
    app = create_app(base_config(database_url))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        db.engine.dispose()


def test_pages_with_personal_data_are_not_cached_and_forbid_inline_script(reference, client_as):
    resident = make_resident()
    db.session.commit()
    response = client_as("counter_agent").get(f"/contacts/{resident.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development: plain HTTP


def test_card_numbers_are_masked_in_audit_entries(app):
    record("login.failed", Actor(login="4111 1111 1111 1111"), detail={"q": "carte 4111-1111-1111-1111"})
    db.session.flush()
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert entry.agent_login == CARD_MASK and entry.detail == {"q": f"carte {CARD_MASK}"}


def test_a_card_number_typed_in_any_form_is_never_stored(reference, client_as):
    """A reference label holding a card number is refused on the field, with a French message."""
    from app.channels.models import Device

    client = client_as("admin")
    device = db.session.execute(db.select(Device).order_by(Device.id).limit(1)).scalar_one()
    response = client.post(f"/admin/reference/devices/{device.id}/edit",
                           data={"code": device.code, "label": "Borne 4111 1111 1111 1111"})
    assert response.status_code == 422 and "Libellé : Ce champ semble contenir un numéro de carte bancaire" in text_of(response)
    db.session.expire_all()
    assert "4111" not in db.session.get(Device, device.id).label


def test_a_card_number_no_form_checked_is_stopped_by_the_storage_guard_with_a_french_page(app, reference, client_as):
    """The last line of defence: a write no form or service checked answers 400 naming the field."""
    from flask import Blueprint

    from app.channels.models import Device

    bp = Blueprint("unchecked_test", __name__)

    @bp.route("/test-unchecked", methods=["POST"])
    def unchecked():
        db.session.execute(db.select(Device).order_by(Device.id).limit(1)).scalar_one().label = "Borne 4111.1111.1111.1111"
        db.session.commit()
        return "saved"

    app.register_blueprint(bp)
    response = client_as("admin").post("/test-unchecked")
    assert response.status_code == 400
    assert "Libellé : Ce champ semble contenir un numéro de carte bancaire" in text_of(response)
    assert "4111" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert "4111" not in db.session.execute(db.select(Device).order_by(Device.id).limit(1)).scalar_one().label
