"""Telephony fixtures: a CTI token, an operator with an extension, a controllable clock."""

from datetime import UTC, datetime, timedelta

import pytest

from app.api.tokens import create_token
from app.extensions import db
from tests.security.factories import make_resident


class Clock:
    """The time the telephony services read; tests move it forward."""

    def __init__(self):
        self.now = datetime(2017, 3, 6, 8, 30, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("app.telephony.services.utcnow", clock)
    return clock


@pytest.fixture
def tokens(app):
    """Plain tokens: `cti` (scope cti), `calls` (calls:read)."""
    plain = {}
    for name, scopes in (("cti", "cti"), ("calls", "calls:read"), ("everything",
                                                                   "cti,calls:read,residents:read,tickets:write,reports:run")):
        _token, plain[name] = create_token(f"Intégration {name}", scopes, all_sites=True)
    db.session.commit()
    return plain


@pytest.fixture
def operator(make_agent, reference):
    agent = make_agent("operator_3975", site_code="plateforme-3975", login="amina.diallo", name="Amina Diallo")
    agent.extension = "201"
    db.session.commit()
    return agent


@pytest.fixture
def caller(reference):
    resident = make_resident("Jeanne", "Martin", phone="+33612345678", email="jeanne.martin@example.org")
    db.session.commit()
    return resident


def calls_of(client, token, **query):
    response = client.get("/api/v1/calls", query_string=query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {call["call_id"]: call for call in response.get_json()}
