"""Right of access: everything held about a resident, as JSON and as a page, for admins only."""

import html
import json

import pytest

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.extensions import db
from app.timeutil import to_paris
from tests.conftest import text_of as _text_of
from tests.security.factories import make_resident, make_ticket


def text_of(response) -> str:
    """What a reader sees, entities decoded."""
    return html.unescape(_text_of(response))


@pytest.fixture
def resident(reference, make_agent):
    resident = make_resident()
    make_ticket(resident, notes="A demandé une aide pour la carte Navigo")
    record("resident.view", Actor(make_agent("counter_agent", site_code="mairie-02")), object_type="resident",
           object_id=resident.id, resident_id=resident.id)
    db.session.commit()
    return resident


def test_json_export_holds_identity_contacts_history_tickets_and_audit(resident, client_as):
    response = client_as("admin").get(f"/privacy/residents/{resident.id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["resident"]["last_name"] == "Lefèvre"
    assert data["contact"]["email"] == "marie.lefevre@example.org"
    assert data["changes"][0]["action"] == "created"
    assert data["tickets"][0]["notes"] == "A demandé une aide pour la carte Navigo"
    assert data["tickets"][0]["events"][0]["kind"] == "created"
    assert [a["action"] for a in data["audit"]][:1] == ["resident.view"]


def test_readable_page_shows_the_same_and_the_export_is_audited(resident, client_as):
    client = client_as("admin")
    response = client.get(f"/privacy/residents/{resident.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Lefèvre" in page and "carte Navigo" in page and "Consultation d'un usager" in page
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.export")).scalar_one()
    assert entry.resident_id == resident.id and entry.agent_id == client.agent.id


@pytest.mark.parametrize("role", ["counter_agent", "operator_3975", "facil_familles", "manager"])
def test_only_admins_export(resident, client_as, role):
    assert client_as(role).get(f"/privacy/residents/{resident.id}/export.json").status_code == 403


def test_lookup_is_posted_and_finds_by_name_email_phone_and_number(resident, client_as):
    client = client_as("admin")
    for query in ("lefevre", "marie.lefevre@example.org", "06 12 34 56 78", str(resident.id)):
        response = client.post("/privacy/", data={"q": query})
        assert f"n° {resident.id}" in text_of(response), query
    assert "Saisissez" in text_of(client.post("/privacy/", data={"q": ""}))


def test_records_merged_into_the_resident_are_part_of_the_export(resident, client_as):
    old = make_resident("Marie", "Lefevre", email="ancienne@example.org", account_ref="CP-OLD")
    old.merged_into_id = resident.id
    db.session.commit()
    client = client_as("admin")
    data = json.loads(client.get(f"/privacy/residents/{resident.id}/export.json").get_data(as_text=True))
    assert [m["contact"]["email"] for m in data["merged_records"]] == ["ancienne@example.org"]
    assert "ancienne@example.org" in text_of(client.get(f"/privacy/residents/{resident.id}"))


def test_the_readable_page_shows_french_labels_paris_time_and_words_never_codes(resident, client_as):
    """The page is read to the resident or sent to them (issue 24): no field name, no False, no [] nor UTC."""
    from datetime import UTC, datetime

    from app.contacts.models import Resident
    from app.tickets.models import Ticket

    row = db.session.get(Resident, resident.id)
    row.created_at = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)  # already the 15th in Paris, summer time
    row.needs, row.consent_contact = ["mobility", "sight"], False
    db.session.commit()
    page = text_of(client_as("admin").get(f"/privacy/residents/{resident.id}"))
    for code in ("first_name", "consent_contact", "last_name", "False", "True", "None", "[]", "+00:00",
                 "resident.view", "UTC", "created_at", "opened_at", "payment_assisted"):
        assert code not in page, code
    assert "Prénom Marie" in page and "Accepte d'être contacté non" in page
    assert "Besoins d'accessibilité Mobilité réduite, Déficience visuelle" in page
    assert "Créée le 15/07/2026 à 00:30" in page and "Langue Français" in page
    ticket = db.session.execute(db.select(Ticket)).scalar_one()
    assert f"Ouvert le {to_paris(ticket.opened_at):%d/%m/%Y à %H:%M}" in page
    assert "Paiement accompagné non" in page and "Statut " in page


def test_the_json_download_keeps_the_plain_data(resident, client_as):
    data = client_as("admin").get(f"/privacy/residents/{resident.id}/export.json").get_json()
    assert data["resident"]["consent_contact"] in (True, False)
    assert "first_name" in data["resident"] and data["resident"]["created_at"].endswith("+00:00")
