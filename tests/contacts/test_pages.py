"""Creating and editing a resident through the pages: duplicates first, messages on fields, locking, history."""

from app.audit.models import AuditEntry
from app.contacts.models import Resident, ResidentChange
from app.contacts.services import create_resident, update_resident
from app.extensions import db
from tests.conftest import text_of

FULL = {"civility": "Mme", "last_name": "Lefèvre-Müller", "first_name": "Marie", "birth_date": "1980-04-02",
        "email": "marie@exemple.fr", "phone": "06 12 34 56 78", "phone_alt": "", "address": "12 rue de Rivoli",
        "postal_code": "75004", "city": "Paris", "account_ref": "CP-42", "family_number": "FF-1",
        "preferred_language": "fr", "needs": ["mobility", "sight"], "consent_contact": "y"}


def _count() -> int:
    return db.session.execute(db.select(db.func.count(Resident.id))).scalar()


def test_a_full_record_is_created_with_every_field(client_as):
    client = client_as("counter_agent")
    response = client.post("/contacts/new", data=FULL)
    assert response.status_code == 302
    resident = db.session.execute(db.select(Resident).where(Resident.account_ref == "CP-42")).scalar_one()
    assert (resident.phone, resident.arrondissement, resident.needs) == ("+33612345678", 4, ["mobility", "sight"])
    assert resident.birth_date.isoformat() == "1980-04-02" and resident.consent_contact is True
    assert db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.create",
                                                          AuditEntry.resident_id == resident.id)).scalar_one()


def test_creating_with_the_phone_of_an_existing_resident_shows_it_first(client_as):
    existing = create_resident({"last_name": "Durand", "first_name": "Paul", "phone": "+33 6 12 34 56 78"})
    db.session.commit()
    client = client_as("counter_agent")
    before = _count()
    response = client.post("/contacts/new", data={**FULL, "account_ref": "", "email": ""})
    body = text_of(response)
    assert response.status_code == 200 and _count() == before
    assert body.index("DURAND Paul") < body.index("Identité")
    assert "existe" in body and f'value="{existing.id}"' in response.get_data(as_text=True)
    confirmed = client.post("/contacts/new", data={**FULL, "account_ref": "", "email": "",
                                                   "confirm_duplicate": str(existing.id)})
    assert confirmed.status_code == 302 and _count() == before + 1


def test_a_close_name_with_the_same_birth_date_is_a_likely_duplicate(client_as):
    create_resident({"last_name": "Lefebvre", "first_name": "Marie", "birth_date": "1980-04-02"})
    db.session.commit()
    response = client_as("counter_agent").post("/contacts/new", data={
        "last_name": "Lefèvre", "first_name": "Marie", "birth_date": "1980-04-02", "preferred_language": "fr"})
    assert "LEFEBVRE Marie" in text_of(response)


def test_bad_input_gets_a_message_on_the_field_and_nothing_typed_is_lost(client_as):
    client = client_as("counter_agent")
    before = _count()
    cases = [("email", "marie.exemple.fr", "adresse électronique"), ("phone", "12", "numéro"),
             ("last_name", "x" * 500, "120 caractères"), ("birth_date", "31/02/1980", "date valide"),
             ("address", "carte 4111 1111 1111 1111", "carte bancaire")]
    for field, value, message in cases:
        response = client.post("/contacts/new", data={**FULL, field: value})
        body = response.get_data(as_text=True)
        assert response.status_code == 200, field
        assert f'id="{field}-error"' in body and message in body, field
        assert 'value="Marie"' in body and 'value="12 rue de Rivoli"' in body or field == "address"
    assert _count() == before


def test_an_edit_is_saved_and_shown_in_the_history(client_as):
    resident = create_resident({"last_name": "Petit", "first_name": "Jean", "phone": "0612345678"})
    db.session.commit()
    client = client_as("operator_3975")
    form = client.get(f"/contacts/{resident.id}/edit").get_data(as_text=True)
    assert 'name="version"' in form
    response = client.post(f"/contacts/{resident.id}/edit", data={
        "last_name": "Petit", "first_name": "Jeanne", "phone": "06 12 34 56 78", "preferred_language": "fr",
        "version": str(resident.version), "seen_change": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert resident.first_name == "Jeanne"
    change = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident.id,
                                                                ResidentChange.action == "updated")).scalar_one()
    assert change.changes == {"first_name": ["Jean", "Jeanne"]} and change.agent_id == client.agent.id
    page = text_of(client.get(f"/contacts/{resident.id}"))
    assert "« Jean » → « Jeanne »" in page


def test_a_stale_save_is_refused_with_what_changed(client_as, make_agent):
    resident = create_resident({"last_name": "Petit", "first_name": "Jean", "phone": "0612345678"})
    db.session.commit()
    client = client_as("counter_agent")
    seen_version, seen_change = resident.version, db.session.execute(
        db.select(db.func.max(ResidentChange.id)).where(ResidentChange.resident_id == resident.id)).scalar()
    update_resident(resident, {"email": "jean.petit@exemple.fr"}, make_agent("operator_3975"))
    db.session.commit()
    response = client.post(f"/contacts/{resident.id}/edit", data={
        "last_name": "Petit", "first_name": "Jean-Marc", "phone": "0612345678", "preferred_language": "fr",
        "version": str(seen_version), "seen_change": str(seen_change)})
    body = text_of(response)
    assert response.status_code == 200 and "modifiée par quelqu'un d'autre" in body
    assert "jean.petit@exemple.fr" in body and 'value="Jean-Marc"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert resident.first_name == "Jean"


def test_quick_create_needs_a_name_and_one_contact_and_returns_to_next(client_as):
    client = client_as("operator_3975")
    missing = client.post("/contacts/quick", data={"last_name": "N'Diaye", "contact": ""})
    assert missing.status_code == 200 and "Indiquez un téléphone" in text_of(missing)
    response = client.post("/contacts/quick", data={"last_name": "N'Diaye", "first_name": "Aminata",
                                                    "contact": "06 12 34 56 78", "next": "/tickets/new"})
    resident = db.session.execute(db.select(Resident).where(Resident.last_name == "N'Diaye")).scalar_one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/new?resident_id={resident.id}")
    assert resident.phone == "+33612345678"


def test_quick_create_never_returns_to_another_site(client_as):
    response = client_as("operator_3975").post("/contacts/quick", data={
        "last_name": "Roux", "contact": "roux@exemple.fr", "next": "https://evil.example/"})
    assert "/contacts/" in response.headers["Location"] and "evil" not in response.headers["Location"]


def test_quick_create_with_a_bad_phone_explains_on_the_contact_field(client_as):
    response = client_as("counter_agent").post("/contacts/quick", data={"last_name": "Roux", "contact": "0612"})
    assert 'id="contact-error"' in response.get_data(as_text=True)
