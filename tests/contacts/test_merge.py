"""Merging two records of the same resident loses nothing."""

from datetime import UTC, datetime

import pytest

from app.audit.models import AuditEntry
from app.contacts.merge import MERGE_FIELDS, merge_residents
from app.contacts.models import Resident, ResidentChange
from app.contacts.services import ResidentError, create_resident
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from tests.conftest import text_of
from tests.contacts.helpers import add_ticket

TICKET_FIELDS = [c.name for c in Ticket.__table__.columns]


def _snapshot(ticket_ids):
    rows = db.session.execute(db.select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)).scalars()
    return {t.id: {f: getattr(t, f) for f in TICKET_FIELDS} for t in rows}


@pytest.fixture
def pair(reference, make_agent):
    agent = make_agent("counter_agent")
    survivor = create_resident({"last_name": "Lefèvre", "first_name": "Marie", "phone": "06 12 34 56 78",
                                "email": "marie@exemple.fr", "postal_code": "75012", "needs": ["sight"]}, agent)
    other = create_resident({"last_name": "Lefevre", "first_name": "Marie-Claire", "phone": "06 98 76 54 32",
                             "email": "mc@exemple.fr", "account_ref": "CP-77", "family_number": "FF-9",
                             "birth_date": "1975-03-01", "address": "3 rue Oberkampf", "postal_code": "75011",
                             "needs": ["hearing"]}, agent)
    tickets = [add_ticket(survivor, "counter", "mairie-12"),
               add_ticket(other, "counter", "mairie-02", datetime(2017, 2, 1, 10, tzinfo=UTC)),
               add_ticket(other, "phone_3975", "plateforme-3975", datetime(2017, 2, 2, 10, tzinfo=UTC)),
               add_ticket(other, "facil_familles", "facil-familles", datetime(2017, 2, 3, 10, tzinfo=UTC))]
    db.session.commit()
    return agent, survivor, other, [t.id for t in tickets]


def test_a_merge_moves_every_ticket_and_drops_no_field(pair):
    agent, survivor, other, ticket_ids = pair
    fields_before = {r.id: {f: getattr(r, f) for f in MERGE_FIELDS} for r in (survivor, other)}
    tickets_before = _snapshot(ticket_ids)
    result = merge_residents(survivor, other, {"email": "other", "address": "other"}, agent)
    db.session.commit()
    db.session.expire_all()

    tickets_after = _snapshot(ticket_ids)
    assert {t["resident_id"] for t in tickets_after.values()} == {survivor.id}
    assert sorted(result["tickets"]) == ticket_ids[1:]
    for ticket_id, before in tickets_before.items():
        after = tickets_after[ticket_id]
        changed = {f for f in TICKET_FIELDS if before[f] != after[f]}
        expected = {"resident_id", "updated_at", "version"} if before["resident_id"] == other.id else set()
        assert changed == expected, ticket_id
    events = db.session.execute(db.select(TicketEvent).where(TicketEvent.kind == "merged")).scalars().all()
    assert {e.ticket_id for e in events} == set(ticket_ids[1:])
    assert all(e.changes == {"resident_id": [other.id, survivor.id]} for e in events)

    # Every value of either record is on the survivor or written in the merge entry of its history.
    merge_entry = db.session.execute(db.select(ResidentChange).where(
        ResidentChange.resident_id == survivor.id, ResidentChange.action == "merged")).scalar_one()
    for values in fields_before.values():
        for field, value in values.items():
            if value in (None, "", False):
                continue
            on_survivor = value in (getattr(survivor, field), survivor.phone, survivor.phone_alt)
            shown = str(value) in merge_entry.note or value.__class__.__name__ == "date"
            assert on_survivor or shown, (field, value)
    assert survivor.email == "mc@exemple.fr" and "marie@exemple.fr" in merge_entry.note
    assert survivor.phone == "+33612345678" and survivor.phone_alt == "+33698765432"
    assert (survivor.account_ref, survivor.family_number) == ("CP-77", "FF-9")
    assert survivor.birth_date.isoformat() == "1975-03-01" and survivor.needs == ["hearing", "sight"]
    assert survivor.postal_code == "75012" and "75011" in merge_entry.note
    assert other.merged_into_id == survivor.id and other.account_ref is None


def test_a_merge_moves_the_history_and_is_audited(pair):
    agent, survivor, other, _ = pair
    other_history = db.session.execute(db.select(ResidentChange.id).where(
        ResidentChange.resident_id == other.id)).scalars().all()
    merge_residents(survivor, other, {}, agent)
    db.session.commit()
    moved = db.session.execute(db.select(ResidentChange.resident_id).where(
        ResidentChange.id.in_(other_history))).scalars().all()
    assert set(moved) == {survivor.id}
    audit = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "resident.merge")).scalar_one()
    assert audit.resident_id == survivor.id and audit.detail["merged_id"] == other.id


def test_a_record_cannot_be_merged_twice_or_with_itself(pair):
    agent, survivor, other, _ = pair
    with pytest.raises(ResidentError):
        merge_residents(survivor, survivor, {}, agent)
    merge_residents(survivor, other, {}, agent)
    with pytest.raises(ResidentError):
        merge_residents(survivor, other, {}, agent)


def test_the_merge_screen_chooses_field_by_field_and_the_old_link_leads_to_the_survivor(pair, client_as):
    _, survivor, other, ticket_ids = pair
    client = client_as("counter_agent")
    screen = client.get(f"/contacts/{survivor.id}/merge/{other.id}")
    body = screen.get_data(as_text=True)
    assert screen.status_code == 200 and 'name="choice-email"' in body
    assert 'name="choice-account_ref" value="other" aria-describedby="label-account_ref" checked' in body
    response = client.post(f"/contacts/{survivor.id}/merge/{other.id}", data={"choice-first_name": "other"})
    assert response.status_code == 302
    db.session.expire_all()
    assert survivor.first_name == "Marie-Claire"
    old_link = client.get(f"/contacts/{other.id}")
    assert old_link.status_code == 302 and old_link.headers["Location"].endswith(f"/contacts/{survivor.id}")
    page = text_of(client.get(f"/contacts/{survivor.id}"))
    assert "Tickets, tous canaux (4)" in page
    assert db.session.get(Resident, other.id).merged_into_id == survivor.id


def test_managers_cannot_merge(pair, client_as):
    _, survivor, other, _ = pair
    assert client_as("manager").post(f"/contacts/{survivor.id}/merge/{other.id}").status_code == 403


def test_an_agent_saving_a_ticket_moved_by_a_merge_meanwhile_is_told_the_resident_changed(pair):
    from app.tickets.services import StaleTicketError, update_ticket

    agent, survivor, other, ticket_ids = pair
    ticket = db.session.get(Ticket, ticket_ids[1])
    seen_version = ticket.version  # the agent opened the edit form at this version
    merge_residents(survivor, other, {}, agent)
    db.session.commit()
    event = db.session.execute(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "merged")).scalar_one()
    assert event.ticket_version == ticket.version == seen_version + 1
    with pytest.raises(StaleTicketError) as caught:
        update_ticket(ticket, {"notes": "Rappeler lundi"}, agent, expected_version=seen_version)
    assert [(field, label) for field, label, *_ in caught.value.conflicts] == [("resident_id", "Usager")]
    assert f"n° {survivor.id}" in caught.value.conflicts[0][2]


def test_after_a_merge_and_an_anonymisation_no_audit_detail_holds_a_personal_value(pair):
    from app.privacy.services import anonymise_resident

    agent, survivor, other, _ = pair
    personal = [getattr(r, f) for r in (survivor, other) for f in MERGE_FIELDS
                if f not in ("civility", "preferred_language", "consent_contact") and getattr(r, f)]
    personal = [v.isoformat() if hasattr(v, "isoformat") else str(v) for v in personal]
    merge_residents(survivor, other, {"email": "other"}, agent)
    anonymise_resident(survivor, agent)
    db.session.commit()
    entries = db.session.execute(db.select(AuditEntry)).scalars().all()
    assert {"resident.merge", "resident.anonymise"} <= {e.action for e in entries}
    merge_entry = next(e for e in entries if e.action == "resident.merge")
    assert ["email", survivor.id] in merge_entry.detail["not_kept"]  # field and record, not the address
    for entry in entries:
        dumped = str(entry.detail)
        assert not [value for value in personal if value in dumped], entry.action
