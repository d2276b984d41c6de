"""Every API route × every scope: a token without the route's scope gets 403 JSON, none or a bad one 401 JSON."""

import pytest

from app.api.labels import SCOPES
from app.api.tokens import create_token
from app.extensions import db
from tests.security.expectations import API_SCOPES, EXPECTED
from tests.security.test_permission_matrix import build_url, routes

TOKEN_BLUEPRINTS = ("api", "cti")


def token_routes(app):
    return [rule for rule in routes(app) if rule.endpoint.split(".")[0] in TOKEN_BLUEPRINTS]


def _accepted(scopes) -> tuple[str, ...]:
    return (scopes,) if isinstance(scopes, str) else scopes


def _call(client, rule, url, token):
    method = "GET" if "GET" in rule.methods else "POST"
    if rule.endpoint == "cti.event":
        url = url.rsplit("/", 1)[0] + "/" + (token or "not-a-token")
        return client.post(url, data={})
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, json={} if method == "POST" else None, headers=headers)


def test_every_token_route_names_its_scope(app):
    missing = sorted(rule.endpoint for rule in token_routes(app) if rule.endpoint not in API_SCOPES)
    assert not missing, f"API routes without a scope in tests/security/expectations.py API_SCOPES: {missing}"
    assert {scope for scopes in API_SCOPES.values() for scope in _accepted(scopes)} <= set(SCOPES)


def test_a_route_missing_from_the_scope_table_is_reported(app):
    table = dict(API_SCOPES)
    del table["api.calls"]
    assert [rule.endpoint for rule in token_routes(app) if rule.endpoint not in table] == ["api.calls"]


@pytest.mark.parametrize("scope", [*SCOPES, None])
def test_each_scope_opens_exactly_its_routes(app, matrix_samples, scope):
    plain = create_token(f"Portée {scope}", scope, all_sites=True)[1] if scope else None
    db.session.commit()
    client = app.test_client()
    problems = []
    for rule in token_routes(app):
        url = build_url(rule, EXPECTED[rule.endpoint], matrix_samples)
        response = _call(client, rule, url, plain)
        if scope is None:
            expected_ok = False
            expected = 401
        else:
            expected_ok = scope in _accepted(API_SCOPES[rule.endpoint])
            expected = 403
        if not response.is_json:
            problems.append(f"{rule.endpoint} with scope {scope}: not JSON ({response.status_code})")
        elif expected_ok and response.status_code in (401, 403):
            problems.append(f"{rule.endpoint} with scope {scope}: refused {response.status_code}")
        elif not expected_ok and response.status_code != expected:
            problems.append(f"{rule.endpoint} with scope {scope}: expected {expected}, got {response.status_code}")
        elif response.status_code >= 500:
            problems.append(f"{rule.endpoint} with scope {scope}: server error")
    assert not problems, "\n".join(problems)
