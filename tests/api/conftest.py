"""API fixtures: a token with every scope, a bearer header, a 3975 operator and a known caller."""

import pytest

from app.api.labels import SCOPES
from app.api.tokens import create_token
from app.extensions import db
from tests.security.factories import make_resident


@pytest.fixture
def bearer(app):
    """Authorization headers for a token holding every scope, on every site."""
    _token, plain = create_token("Tout", list(SCOPES), all_sites=True)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def operator(make_agent, reference):
    agent = make_agent("operator_3975", site_code="plateforme-3975", login="amina.diallo", name="Amina Diallo")
    agent.extension = "201"
    db.session.commit()
    return agent


@pytest.fixture
def jeanne(reference):
    resident = make_resident("Jeanne", "Martin", phone="+33612345678", email="jeanne.martin@example.org",
                             account_ref="CP-JM-0001")
    db.session.commit()
    return resident
