"""What the issue asks to audit is audited, with who, what, which record, when (UTC) and from where."""

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import sign_in
from tests.security.factories import make_resident, make_ticket


def _entries(action):
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()


@pytest.fixture
def resident(reference):
    resident = make_resident()
    make_ticket(resident, site="mairie-02")
    db.session.commit()
    return resident


def test_reading_a_resident_page_is_recorded_with_who_what_when_and_where(resident, client_as):
    client = client_as("operator_3975")
    assert client.get(f"/contacts/{resident.id}").status_code == 200
    [entry] = _entries("resident.view")
    assert (entry.agent_id, entry.resident_id, entry.ip) == (client.agent.id, resident.id, "127.0.0.1")
    assert entry.at.utcoffset().total_seconds() == 0


def test_sign_in_failed_sign_in_and_refused_access_are_recorded(resident, app, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-12")
    client = app.test_client()
    sign_in(client, agent.login, "mauvais-mot-de-passe")
    sign_in(client, agent.login)
    client.get("/audit/")
    assert [e.agent_login for e in _entries("login.failed")] == [agent.login]
    assert [e.agent_id for e in _entries("login.success")] == [agent.id]
    assert [e.object_id for e in _entries("access.refused")] == ["/audit/"]


def test_ticket_export_and_right_of_access_export_are_recorded(resident, client_as):
    client_as("manager").get("/tickets/export.csv", buffered=True)
    client_as("admin").get(f"/privacy/residents/{resident.id}/export.json")
    assert len(_entries("ticket.export")) == 1
    assert [e.resident_id for e in _entries("resident.export")] == [resident.id]
