"""Anonymisation erases the person and keeps the tickets' statistics."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.audit.models import AuditEntry
from app.contacts.models import Resident, ResidentChange
from app.extensions import db
from app.privacy.services import AnonymisationError, anonymise_resident
from app.reports.facts.refresh import refresh_facts
from app.reports.params import ReportParams
from app.reports.registry import REPORTS, as_json, compute_report
from app.tickets.models import Ticket, TicketEvent
from app.tickets.privacy import ERASED_SERVICE_TEXT
from app.timeutil import utcnow
from tests.conftest import text_of as _text_of
from tests.security.factories import make_resident, make_ticket

COUNT_SQL = text(
    "SELECT t.site_id, t.channel_id, p.owner, COUNT(*) FROM tickets t "
    "LEFT JOIN procedures p ON p.id = t.procedure_id GROUP BY t.site_id, t.channel_id, p.owner "
    "ORDER BY t.site_id, t.channel_id, p.owner")


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


def _counts():
    return [tuple(row) for row in db.session.execute(COUNT_SQL)]


@pytest.fixture
def resident_with_tickets(reference):
    resident = make_resident()
    make_ticket(resident, channel="counter", site="mairie-02", notes="Mme Lefèvre, 06 12 34 56 78")
    make_ticket(resident, channel="phone_3975", site="plateforme-3975", notes="Rappeler au 06 12 34 56 78")
    make_ticket(resident, channel="facil_familles", site="facil-familles", family_number="FF-12345",
                requested_service_text="Carte de stationnement résident")
    make_ticket(make_resident("Paul", "Martin", email="paul@example.org", account_ref="CP-P"), site="mairie-12")
    db.session.commit()
    return resident


def test_identity_contacts_and_history_values_are_erased(resident_with_tickets, make_agent):
    admin = make_agent("admin")
    resident = resident_with_tickets
    anonymise_resident(resident, admin)
    db.session.commit()
    db.session.expire_all()
    resident = db.session.get(Resident, resident.id)
    assert resident.anonymised_at is not None
    assert (resident.first_name, resident.last_name, resident.search_name) == ("", "", "")
    assert resident.email is None and resident.phone is None and resident.address is None
    assert resident.family_number is None and resident.account_ref is None
    changes = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident.id)).scalars()
    values = [value for change in changes for pair in change.changes.values() for value in pair]
    assert values and all(value is None for value in values)


def test_tickets_keep_dimensions_but_lose_free_text_and_family_number(resident_with_tickets, make_agent):
    before = _counts()
    anonymise_resident(resident_with_tickets, make_agent("admin"))
    db.session.commit()
    db.session.expire_all()
    tickets = db.session.execute(db.select(Ticket).where(Ticket.resident_id == resident_with_tickets.id)).scalars()
    for ticket in tickets:
        assert ticket.notes is None and ticket.family_number is None
        events = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).scalars()
        assert all(event.changes["notes"] == [None, None] for event in events)
    assert _counts() == before
    assert "Lefèvre" not in str(_counts())


def _dashboards() -> dict:
    """Every report of the reports domain over the last month, from freshly refreshed facts."""
    refresh_facts()
    db.session.commit()
    today = utcnow().date()
    params = ReportParams(start=today - timedelta(days=30), end=today + timedelta(days=1))
    return {name: as_json(compute_report(name, params)) for name in REPORTS}


def test_dashboard_totals_are_unchanged_by_anonymisation(resident_with_tickets, make_agent):
    """Totals per site, channel and owner, and every dashboard of the reports domain, are the same after."""
    before, dashboards = _counts(), _dashboards()
    assert dashboards["volume"]
    anonymise_resident(resident_with_tickets, make_agent("admin"))
    db.session.commit()
    assert _counts() == before
    assert _dashboards() == dashboards


def test_service_asked_for_is_kept_unless_it_names_the_person(resident_with_tickets, make_agent):
    named = make_ticket(resident_with_tickets, channel="phone_3975", site="plateforme-3975",
                        requested_service_text="Rappeler Marie LEFEVRE pour la carte")
    plain = make_ticket(resident_with_tickets, requested_service_text="Carte de stationnement résident")
    db.session.commit()
    unmet_before = _dashboards()["unmet-demand"]["total"]
    anonymise_resident(resident_with_tickets, make_agent("admin"))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Ticket, named.id).requested_service_text == ERASED_SERVICE_TEXT
    assert db.session.get(Ticket, plain.id).requested_service_text == "Carte de stationnement résident"
    assert _dashboards()["unmet-demand"]["total"] == unmet_before


def test_anonymisation_is_audited_and_cannot_be_repeated(resident_with_tickets, make_agent):
    admin = make_agent("admin")
    anonymise_resident(resident_with_tickets, admin)
    db.session.commit()
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.anonymise")).scalar_one()
    assert entry.agent_id == admin.id and entry.resident_id == resident_with_tickets.id
    with pytest.raises(AnonymisationError):
        anonymise_resident(resident_with_tickets, admin)


def test_records_merged_into_the_resident_are_anonymised_too(reference, make_agent):
    survivor = make_resident()
    loser = make_resident("Marie", "Lefevre", email="m.lefevre@example.org", account_ref="CP-L")
    loser.merged_into_id = survivor.id
    db.session.commit()
    with pytest.raises(AnonymisationError, match="fusionné"):
        anonymise_resident(loser, make_agent("admin"))
    anonymise_resident(survivor, make_agent("admin"))
    db.session.commit()
    db.session.refresh(loser)
    assert loser.email is None and loser.last_name == "" and loser.anonymised_at is not None


def test_admin_anonymises_through_the_confirmation_form(resident_with_tickets, client_as):
    client = client_as("admin")
    url = f"/privacy/residents/{resident_with_tickets.id}/anonymise"
    page = client.get(url)
    assert page.status_code == 200 and "définitive" in text_of(page)
    refused = client.post(url, data={"reason": "Courrier du 12/03"})
    assert refused.status_code == 400 and "Cochez la case pour confirmer" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Resident, resident_with_tickets.id).anonymised_at is None
    done = client.post(url, data={"reason": "Courrier du 12/03", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, resident_with_tickets.id).last_name == ""
