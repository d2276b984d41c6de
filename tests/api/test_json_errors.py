"""Under /api/ every answer is JSON: unknown ids and routes 404, methods 405, database down 503 + Retry-After."""


import pytest

from app.api.labels import SCOPES
from app.api.tokens import create_token
from app.extensions import db
from tests.test_database_down import app_on_own_postgres


@pytest.mark.parametrize("url", ["/api/v1/tickets/-1", "/api/v1/tickets/37619434324", "/api/v1/tickets/abc",
                                 "/api/v1/tickets/1.5", "/api/v1/nope", "/api/nope", "/api/v1/report-runs/-3",
                                 "/api/v1/cti/", "/api/v1/calls/7"])
def test_unknown_ids_and_routes_answer_a_json_404_without_a_token(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.is_json, (url, response.status_code)
    assert response.get_json() == {"error": "Ressource introuvable."}


@pytest.mark.parametrize("method, url, allowed", [
    ("TRACE", "/api/v1/tickets", {"GET", "POST"}), ("DELETE", "/api/v1/tickets/1", {"GET"}),
    ("PUT", "/api/v1/calls", {"GET"}), ("PATCH", "/api/v1/report-runs", {"POST"}),
    ("GET", "/api/v1/cti/abc", {"POST"}), ("TRACE", "/api/v1/cti/abc", {"POST"}),
])
def test_unsupported_methods_answer_a_json_405_with_allow(client, method, url, allowed):
    response = client.open(url, method=method)
    assert response.status_code == 405 and response.get_json() == {"error": "Méthode non permise."}
    assert allowed <= {item.strip() for item in response.headers["Allow"].split(",")}


def test_an_unknown_id_with_a_good_token_is_a_json_404_naming_it(client, bearer):
    response = client.get("/api/v1/tickets/2147483647", headers=bearer)
    assert response.status_code == 404 and response.get_json() == {"error": "Aucun ticket n° 2147483647."}


@pytest.fixture
def api_on_stopped_postgres():
    """An app on its own PostgreSQL holding a token of every scope; the server then stopped."""
    with app_on_own_postgres() as (app, server):
        with app.app_context():
            plain = create_token("Panne", list(SCOPES), all_sites=True)[1]
            db.session.commit()
        server.stop()
        with app.app_context():
            db.engine.dispose()
        yield app, plain


def test_with_the_database_down_the_api_and_the_cti_endpoint_answer_json_503_with_retry_after(
        api_on_stopped_postgres):
    app, plain = api_on_stopped_postgres
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {plain}"}
    answers = [client.get("/api/v1/tickets/1", headers=bearer), client.get("/api/v1/calls", headers=bearer),
               client.get("/api/v1/tickets", headers=bearer),
               client.post("/api/v1/tickets", json={"agent_login": "a", "channel": "c", "site": "s"}, headers=bearer),
               client.post(f"/api/v1/cti/{plain}", data={"event": "newCall", "callId": "x", "direction": "in"}),
               client.get("/api/v1/residents", query_string={"phone": "0612345678"}, headers={
                   "Authorization": "Bearer pas-un-jeton"})]
    for response in answers:
        assert response.status_code == 503 and response.is_json, (response.request.path, response.status_code)
        assert "Base de données" in response.get_json()["error"] and response.headers["Retry-After"] == "30"
    assert client.get("/api/v1/openapi.json").status_code == 200  # the document needs no database
