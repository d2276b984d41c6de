"""Integration tokens: created by the CLI or the admin page (shown once), stored hashed, revocable, rate-limited."""

import pytest

from app import create_app
from app.api.models import IntegrationToken
from app.api.tokens import create_token, hash_token
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import IsolatedClient, base_config, text_of


def _token(name):
    return db.session.execute(db.select(IntegrationToken).where(IntegrationToken.name == name)).scalar_one()


def test_cli_prints_the_token_alone_on_its_last_line_and_stores_only_its_hash(runner, client, reference):
    result = runner.invoke(args=["integrations", "create", "Standard 3975",
                                 "--scopes", "cti,calls:read,residents:read,tickets:write",
                                 "--sites", "plateforme-3975"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert " " not in plain and len(plain) >= 40
    token = _token("Standard 3975")
    assert token.token_hash == hash_token(plain) and plain not in (token.token_hash, token.scopes)
    assert token.scope_list == ["cti", "calls:read", "residents:read", "tickets:write"]
    assert client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"}).status_code == 200


@pytest.mark.parametrize("args, message", [
    (["Standard", "--scopes", "cti,everything", "--sites", "all"], "Portée inconnue : everything"),
    (["Standard", "--scopes", ",", "--sites", "all"], "au moins une portée"),
])
def test_cli_refuses_unknown_scopes_with_a_french_message(runner, args, message):
    result = runner.invoke(args=["integrations", "create", *args])
    assert result.exit_code != 0 and message in result.output


def test_cli_refuses_a_second_integration_of_the_same_name(runner):
    assert runner.invoke(args=["integrations", "create", "Standard", "--scopes", "cti", "--sites", "all"]).exit_code == 0
    result = runner.invoke(args=["integrations", "create", "Standard", "--scopes", "cti", "--sites", "all"])
    assert result.exit_code != 0 and "s'appelle déjà" in result.output


def test_cli_revokes_a_token(runner, client):
    plain = runner.invoke(args=["integrations", "create", "Script", "--scopes", "calls:read",
                                "--sites", "all"]).output.split()[-1]
    assert runner.invoke(args=["integrations", "revoke", "Script"]).exit_code == 0
    response = client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401 and "error" in response.get_json()


def test_admin_creates_a_token_sees_it_once_then_sees_its_last_use_and_revokes_it(client_as, app, reference):
    admin = client_as("admin")
    page = admin.post("/admin/integrations/", data={"name": "Standard 3975", "scopes": ["cti", "calls:read"],
                                                    "sites": ["plateforme-3975"]})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    token = _token("Standard 3975")
    plain = body.split('<code id="new-token">')[1].split("</code>")[0]
    assert hash_token(plain) == token.token_hash and f"/api/v1/cti/{plain}" in body
    assert plain not in admin.get("/admin/integrations/").get_data(as_text=True)  # shown once
    app.test_client().get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"})
    listing = text_of(admin.get("/admin/integrations/"))
    assert "Standard 3975" in listing and "jamais" not in listing and "Lire le journal des appels" in listing
    assert admin.post(f"/admin/integrations/{token.id}/revoke").status_code == 302
    assert "révoqué le" in text_of(admin.get("/admin/integrations/"))
    assert app.test_client().get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    actions = set(db.session.execute(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "integration_token", AuditEntry.object_id == str(token.id))).scalars())
    assert {"integration.created", "integration.used", "integration.revoked"} <= actions


def test_admin_form_names_the_missing_fields(client_as):
    page = client_as("admin").post("/admin/integrations/", data={"name": ""})
    assert page.status_code == 400
    assert "Nommez" in text_of(page) and "au moins une portée" in text_of(page)


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_bad_bearer_gets_401_json_with_a_french_message(client, header):
    response = client.get("/api/v1/calls", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Jeton invalide" in response.get_json()["error"]


def test_a_token_is_rate_limited_with_a_json_429(database_url, redis_conn):
    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _token, plain = create_token("Pressé", "calls:read", all_sites=True)
        db.session.commit()
        try:
            client = app.test_client()
            statuses = [client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"}).status_code
                        for _ in range(5)]
            limited = client.get("/api/v1/calls", headers={"Authorization": f"Bearer {plain}"})
            other = create_token("Autre", "calls:read", all_sites=True)[1]
            db.session.commit()
            assert statuses == [200, 200, 200, 429, 429]
            assert limited.is_json and "Trop de requêtes" in limited.get_json()["error"]
            assert client.get("/api/v1/calls", headers={"Authorization": f"Bearer {other}"}).status_code == 200
        finally:
            db.session.execute(db.delete(AuditEntry).where(AuditEntry.object_type == "integration_token"))
            db.session.execute(db.delete(IntegrationToken))
            db.session.commit()
            db.engine.dispose()
