"""The retention job: inactive residents anonymised, old ticket notes purged; a dry run changes nothing."""

import html
from datetime import timedelta

import pytest

from app.contacts.models import Resident
from app.extensions import db
from app.privacy.retention import apply_retention
from app.privacy.settings import (
    RESIDENT_INACTIVITY_DAYS,
    TICKET_NOTES_RETENTION_DAYS,
    SettingError,
    set_setting,
)
from app.privacy.tasks import apply_retention_job
from app.tickets.models import Ticket
from app.timeutil import utcnow
from tests.conftest import text_of as _text_of
from tests.security.factories import make_resident, make_ticket


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


@pytest.fixture
def history(reference):
    """An inactive resident (4 years), an active one, a recent ticket and a 3-year-old ticket with notes."""
    long_ago = utcnow() - timedelta(days=4 * 365)
    inactive = make_resident(created_at=long_ago, last_contact_at=long_ago)
    active = make_resident("Paul", "Martin", email="paul@example.org", account_ref="CP-A",
                           created_at=long_ago, last_contact_at=utcnow() - timedelta(days=30))
    old = make_ticket(active, opened_at=utcnow() - timedelta(days=3 * 365), notes="Ancienne note")
    recent = make_ticket(active, notes="Note récente")
    db.session.commit()
    return {"inactive": inactive, "active": active, "old": old, "recent": recent}


def test_dry_run_lists_without_changing(history):
    plan = apply_retention(dry_run=True)
    db.session.commit()
    assert [rid for rid, _ in plan.residents] == [history["inactive"].id]
    assert plan.note_ticket_ids == [history["old"].id]
    db.session.expire_all()
    assert db.session.get(Resident, history["inactive"].id).last_name == "Lefèvre"
    assert db.session.get(Ticket, history["old"].id).notes == "Ancienne note"


def test_job_anonymises_inactive_residents_and_purges_old_notes_only(history):
    assert apply_retention_job() == {"residents_anonymised": 1, "ticket_notes_purged": 1}
    db.session.expire_all()
    assert db.session.get(Resident, history["inactive"].id).anonymised_at is not None
    assert db.session.get(Resident, history["active"].id).last_name == "Martin"
    assert db.session.get(Ticket, history["old"].id).notes is None
    assert db.session.get(Ticket, history["recent"].id).notes == "Note récente"


def test_a_recent_ticket_keeps_a_resident_even_without_last_contact(reference):
    long_ago = utcnow() - timedelta(days=4 * 365)
    resident = make_resident(created_at=long_ago, last_contact_at=None)
    make_ticket(resident, opened_at=utcnow() - timedelta(days=10))
    db.session.commit()
    assert apply_retention(dry_run=True).residents == []


def test_periods_come_from_the_settings(history, make_agent):
    admin = make_agent("admin")
    set_setting(RESIDENT_INACTIVITY_DAYS, 5 * 365, admin)
    set_setting(TICKET_NOTES_RETENTION_DAYS, 4 * 365, admin)
    plan = apply_retention(dry_run=True)
    assert plan.residents == [] and plan.note_ticket_ids == []
    with pytest.raises(SettingError):
        set_setting(TICKET_NOTES_RETENTION_DAYS, 1, admin)


def test_cli_dry_run_lists_what_it_would_do(history, runner):
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"usager n° {history['inactive'].id}" in result.output
    assert "Simulation : rien n'a été modifié." in result.output
    db.session.expire_all()
    assert db.session.get(Resident, history["inactive"].id).anonymised_at is None


def test_cli_applies(history, runner):
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Resident, history["inactive"].id).anonymised_at is not None


def test_admin_edits_settings_with_french_errors(client_as):
    client = client_as("admin")
    assert "365" in client.get("/privacy/settings").get_data(as_text=True)
    bad = client.post("/privacy/settings", data={"audit_retention_days": "5", "resident_inactivity_days": "1095",
                                                 "ticket_notes_retention_days": "abc"})
    assert bad.status_code == 400
    assert "Entre 30 et 3650 jours" in text_of(bad)
    ok = client.post("/privacy/settings", data={"audit_retention_days": "400", "resident_inactivity_days": "1095",
                                                "ticket_notes_retention_days": "730"})
    assert ok.status_code == 302
    assert 'value="400"' in client.get("/privacy/settings").get_data(as_text=True)


def test_retention_page_previews_and_runs(history, client_as):
    client = client_as("admin")
    page = client.get("/privacy/retention")
    assert "1 usager(s)" in text_of(page)
    assert client.post("/privacy/retention").status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, history["inactive"].id).anonymised_at is not None
