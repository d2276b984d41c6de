"""Picker queries: deactivated or out-of-period entries leave the pickers, yet stay readable."""

from datetime import date

from app.channels.models import Channel, Device, Procedure, Site
from app.channels.queries import (
    get_by_code,
    list_active_channels,
    list_active_devices,
    list_active_procedures,
    list_active_sites,
)
from app.channels.services import deactivate_channel, deactivate_device, deactivate_procedure, deactivate_site
from app.extensions import db


def _codes(rows):
    return [row.code for row in rows]


def test_deactivated_procedure_leaves_the_picker_but_stays_readable_by_id(reference):
    critair = get_by_code(Procedure, "critair")
    assert "critair" in _codes(list_active_procedures())
    deactivate_procedure(critair)
    db.session.commit()
    db.session.expire_all()
    assert "critair" not in _codes(list_active_procedures())
    kept = db.session.get(Procedure, critair.id)
    assert (kept.code, kept.label, kept.active) == ("critair", critair.label, False)


def test_procedure_is_offered_only_within_its_dates(reference):
    passport = get_by_code(Procedure, "passport")
    passport.active_from, passport.active_to = date(2017, 1, 1), date(2017, 12, 31)
    db.session.flush()
    assert "passport" in _codes(list_active_procedures(date(2017, 6, 1)))
    assert "passport" in _codes(list_active_procedures(date(2017, 12, 31)))
    assert "passport" not in _codes(list_active_procedures(date(2016, 12, 31)))
    assert "passport" not in _codes(list_active_procedures(date(2018, 1, 1)))


def test_the_value_already_on_a_record_stays_in_its_picker(reference):
    dansmarue = get_by_code(Procedure, "dansmarue")
    deactivate_procedure(dansmarue)
    assert "dansmarue" in _codes(list_active_procedures(include_id=dansmarue.id))
    assert "dansmarue" not in _codes(list_active_procedures())


def test_a_sites_picker_lists_only_its_active_devices(reference):
    mairie2, mairie5 = get_by_code(Site, "mairie-02"), get_by_code(Site, "mairie-05")
    assert _codes(list_active_devices(mairie2)) == ["kiosk", "tablet", "dual_screen", "none"]
    assert _codes(list_active_devices(mairie5)) == ["none"]
    deactivate_device(get_by_code(Device, "tablet"))
    assert _codes(list_active_devices(mairie2)) == ["kiosk", "dual_screen", "none"]
    assert "tablet" not in _codes(list_active_devices())


def test_sites_and_channels_pickers_drop_deactivated_entries(reference):
    assert _codes(list_active_sites())[:3] == ["mairie-01", "mairie-02", "mairie-03"]
    assert _codes(list_active_sites())[-2:] == ["facil-familles", "plateforme-3975"]
    deactivate_site(get_by_code(Site, "mairie-03"))
    deactivate_channel(get_by_code(Channel, "mail"))
    assert "mairie-03" not in _codes(list_active_sites())
    assert _codes(list_active_channels()) == ["counter", "phone_3975", "facil_familles", "email", "web"]
    assert get_by_code(Channel, "mail").active is False


def test_get_by_code_of_an_unknown_code_is_none(reference):
    assert get_by_code(Procedure, "nope") is None


def test_deactivated_procedure_keeps_its_tickets_and_their_count(reference, client_as):
    from app.tickets.models import Ticket

    critair = get_by_code(Procedure, "critair")
    ticket = Ticket(reference="2017-990001", anonymous=True, channel=get_by_code(Channel, "counter"),
                    site=get_by_code(Site, "mairie-02"), device=get_by_code(Device, "kiosk"), procedure=critair)
    db.session.add(ticket)
    db.session.commit()
    assert client_as("admin").post(f"/admin/reference/procedures/{critair.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert critair not in list_active_procedures()
    assert db.session.get(Ticket, ticket.id).procedure.code == "critair"
    count = db.session.execute(db.select(db.func.count(Ticket.id)).where(Ticket.procedure_id == critair.id))
    assert count.scalar_one() == 1
