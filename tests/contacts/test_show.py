"""The 360° view: identity, contact details, needs, every ticket across channels; audited."""

from datetime import UTC, datetime

from app.audit.models import AuditEntry
from app.contacts.services import create_resident
from app.extensions import db
from tests.conftest import text_of
from tests.contacts.helpers import add_ticket


def _resident_with_tickets():
    resident = create_resident({"last_name": "Lefèvre", "first_name": "Marie", "phone": "+33612345678",
                                "family_number": "FF-123", "needs": ["mobility"]})
    old_open = add_ticket(resident, "counter", "mairie-02", datetime(2017, 1, 5, tzinfo=UTC), status="open")
    newest = add_ticket(resident, "phone_3975", "plateforme-3975", datetime(2017, 3, 1, tzinfo=UTC),
                        notes="Rappeler lundi")
    middle = add_ticket(resident, "facil_familles", "facil-familles", datetime(2017, 2, 1, tzinfo=UTC))
    db.session.commit()
    return resident, [old_open, newest, middle]


def test_the_page_shows_identity_needs_and_tickets_open_first_then_newest(reference, client_as):
    resident, (old_open, newest, middle) = _resident_with_tickets()
    page = text_of(client_as("counter_agent").get(f"/contacts/{resident.id}"))
    assert "LEFÈVRE Marie" in page and "06 12 34 56 78" in page and "Mobilité réduite" in page
    positions = [page.index(t.reference) for t in (old_open, newest, middle)]
    assert positions == sorted(positions)
    assert "Téléphone 3975" in page and "Plateforme téléphonique 3975" in page


def test_every_view_is_audited(reference, client_as):
    resident, _ = _resident_with_tickets()
    client = client_as("manager")
    client.get(f"/contacts/{resident.id}")
    client.get(f"/contacts/{resident.id}")
    entries = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.view",
                                                             AuditEntry.resident_id == resident.id)).scalars().all()
    assert len(entries) == 2 and entries[0].agent_id == client.agent.id


def test_the_family_number_is_hidden_from_managers(reference, client_as):
    resident, _ = _resident_with_tickets()
    assert "FF-123" in text_of(client_as("facil_familles").get(f"/contacts/{resident.id}"))
    assert "FF-123" not in text_of(client_as("manager").get(f"/contacts/{resident.id}"))


def test_facil_familles_staff_do_not_see_other_channels_notes(reference, client_as):
    resident, _ = _resident_with_tickets()
    assert "Rappeler lundi" not in text_of(client_as("facil_familles").get(f"/contacts/{resident.id}"))
    assert "Rappeler lundi" in text_of(client_as("operator_3975").get(f"/contacts/{resident.id}"))


def test_managers_read_but_do_not_edit(reference, client_as):
    resident, _ = _resident_with_tickets()
    manager = client_as("manager")
    page = text_of(manager.get(f"/contacts/{resident.id}"))
    assert "Modifier la fiche" not in page and "Nouveau ticket" not in page
    assert manager.get(f"/contacts/{resident.id}/edit").status_code == 403
    assert client_as("counter_agent").get(f"/contacts/{resident.id}/edit").status_code == 200


def test_an_unknown_resident_is_a_404(client_as):
    assert client_as("counter_agent").get("/contacts/999999").status_code == 404
