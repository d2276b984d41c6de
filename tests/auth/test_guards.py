"""role_required, error pages and refused access audited."""

from flask import Blueprint

from app.audit.models import AuditEntry
from app.auth.guards import role_required
from app.extensions import db
from tests.conftest import text_of


def _add_guarded_route(app):
    bp = Blueprint("guarded_test", __name__)

    @bp.route("/test-guarded")
    @role_required("admin")
    def guarded():
        return "secret admin page"

    app.register_blueprint(bp)


def test_role_required_lets_the_role_in(app, client_as):
    _add_guarded_route(app)
    response = client_as("admin").get("/test-guarded")
    assert response.status_code == 200


def test_role_required_refuses_other_roles_with_french_page_and_audit(app, client_as):
    _add_guarded_route(app)
    client = client_as("counter_agent")
    response = client.get("/test-guarded")
    assert response.status_code == 403
    assert "Accès refusé" in text_of(response)
    assert "secret" not in text_of(response)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "access.refused")).scalar_one()
    assert entry.agent_id == client.agent.id and entry.object_id == "/test-guarded"


def test_unknown_page_gives_french_404(client_as):
    response = client_as("manager").get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)


def test_failed_sign_in_is_audited_with_the_login_typed(client):
    client.post("/auth/login", data={"login": "inconnu", "password": "x" * 12})
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "login.failed")).scalar_one()
    assert entry.agent_login == "inconnu" and entry.ip == "127.0.0.1"


def test_pages_carry_security_headers_and_no_store(client_as):
    response = client_as("manager").get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_agents(database_url, monkeypatch):
    import app as app_module
    from app import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("RELAIS_TRUSTED_PROXIES", "1")
    proxied = create_app(base_config(database_url))

    @proxied.route("/test-address")
    def address():
        from flask import request

        return request.remote_addr

    monkeypatch.setattr(app_module, "PUBLIC_ENDPOINTS", app_module.PUBLIC_ENDPOINTS | {"address"})
    response = proxied.test_client().get("/test-address", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.get_data(as_text=True) == "10.1.2.3"
    monkeypatch.delenv("RELAIS_TRUSTED_PROXIES")
    direct = create_app(base_config(database_url))
    direct.add_url_rule("/test-address", "address", address)
    response = direct.test_client().get("/test-address", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.get_data(as_text=True) == "127.0.0.1"  # without a trusted proxy the header is ignored


def test_a_bad_proxy_count_is_refused_at_start(database_url, monkeypatch):
    import pytest

    from app import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("RELAIS_TRUSTED_PROXIES", "deux")
    with pytest.raises(RuntimeError, match="RELAIS_TRUSTED_PROXIES"):
        create_app(base_config(database_url))
