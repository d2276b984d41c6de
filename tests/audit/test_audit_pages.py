"""The audit trail for admins: search by agent, resident and period; nothing changes or deletes an entry."""

import html
from datetime import timedelta

import pytest

from app.audit.actor import Actor
from app.audit.models import AuditEntry, AuditEntryImmutableError
from app.audit.services import record
from app.audit.tasks import purge_audit_entries
from app.extensions import db
from app.privacy.settings import AUDIT_RETENTION_DAYS, set_setting
from app.timeutil import utcnow
from tests.conftest import text_of as _text_of
from tests.security.factories import make_resident


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


@pytest.fixture
def entries(reference, make_agent):
    alice = make_agent("counter_agent", site_code="mairie-02", login="alice", name="Alice Durand")
    bob = make_agent("operator_3975", site_code="plateforme-3975", login="bob", name="Bob Morel")
    marie = make_resident()
    paul = make_resident("Paul", "Martin", email="paul@example.org", account_ref="CP-PM")
    record("resident.view", Actor(alice), object_type="resident", object_id=marie.id, resident_id=marie.id)
    record("resident.update", Actor(bob), object_type="resident", object_id=paul.id, resident_id=paul.id)
    old = record("resident.view", Actor(bob), object_type="resident", object_id=marie.id, resident_id=marie.id)
    old.at = utcnow() - timedelta(days=40)
    db.session.commit()
    return {"alice": alice, "bob": bob, "marie": marie, "paul": paul}


def _rows(response) -> int:
    return response.get_data(as_text=True).count("<tr>") - 1


def test_admin_sees_latest_entries_with_french_labels(entries, client_as):
    response = client_as("admin").get("/audit/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Consultation d'un usager" in page and "Modification d'un usager" in page and "Alice Durand" in page


def test_search_by_agent_resident_and_period(entries, client_as):
    client = client_as("admin")
    by_agent = client.post("/audit/", data={"agent": "bob"})
    assert _rows(by_agent) == 2 and "Alice" not in text_of(by_agent)
    by_resident = client.post("/audit/", data={"resident": "lefevre"})
    assert _rows(by_resident) == 2
    by_number = client.post("/audit/", data={"resident": str(entries["paul"].id)})
    assert _rows(by_number) == 1
    today = utcnow().date()
    period = client.post("/audit/", data={"resident": "lefevre", "start": str(today - timedelta(days=1)),
                                          "end": str(today + timedelta(days=1))})
    assert _rows(period) == 1


def test_bad_period_is_a_french_error_on_the_field(entries, client_as):
    response = client_as("admin").post("/audit/", data={"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 400
    assert "La date de fin doit suivre la date de début." in text_of(response)


def test_results_are_paginated(entries, client_as, make_agent):
    agent = make_agent("manager")
    for _ in range(60):
        record("report.view", Actor(agent))
    db.session.commit()
    client = client_as("admin")
    first = client.post("/audit/", data={"action": "report.view"})
    assert _rows(first) == 50 and "Page 1 sur 2" in text_of(first)
    second = client.post("/audit/", data={"action": "report.view", "page": "2"})
    assert _rows(second) == 10


@pytest.mark.parametrize("role", ["counter_agent", "operator_3975", "facil_familles", "manager"])
def test_only_admins_read_the_audit(role, client_as):
    assert client_as(role).get("/audit/").status_code == 403


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entries):
    entry = db.session.execute(db.select(AuditEntry).limit(1)).scalar_one()
    entry.action = "rewritten"
    with pytest.raises(AuditEntryImmutableError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.execute(db.select(AuditEntry).limit(1)).scalar_one()
    db.session.delete(entry)
    with pytest.raises(AuditEntryImmutableError):
        db.session.flush()
    db.session.rollback()


def test_no_route_changes_or_deletes_entries(app):
    methods = {m for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.") for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS", "POST"}
    assert {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")} == {"audit.index"}


def test_purge_removes_entries_older_than_the_setting_and_records_itself(entries, make_agent):
    set_setting(AUDIT_RETENTION_DAYS, 30, make_agent("admin"))
    assert purge_audit_entries() == 1
    remaining = db.session.execute(db.select(AuditEntry.action)).scalars().all()
    assert "audit.purge" in remaining and len([a for a in remaining if a == "resident.view"]) == 1


def test_purge_keeps_a_year_by_default(entries):
    assert purge_audit_entries() == 0


def test_every_action_recorded_by_the_application_has_a_french_label():
    """Actions written as `record("...")` anywhere in app/ read in French (own label or their family's)."""
    import re
    from pathlib import Path

    import app as app_package
    from app.audit.labels import ACTION_LABELS, action_label

    source = "\n".join(path.read_text() for path in Path(app_package.__file__).parent.rglob("*.py"))
    actions = set(re.findall(r'record\(\s*"([a-z_.]+)"', source))
    assert len(actions) > 20 and {"resident.view", "access.refused", "login.failed"} <= set(ACTION_LABELS)
    unlabelled = sorted(action for action in actions if action_label(action) == action)
    assert not unlabelled, unlabelled


def test_entries_cannot_be_changed_even_by_sql(entries):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="audit entries cannot be changed"), db.session.begin_nested():
        db.session.execute(text("UPDATE audit_entries SET action = 'rewritten'"))
    assert "rewritten" not in db.session.execute(db.select(AuditEntry.action)).scalars().all()
