"""Equipment with dates: a ticket is checked against the devices its site had on the day it was opened."""

from datetime import date

import pytest

from app.channels.models import Device, Site
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.importing import import_tickets
from app.tickets.services import log_ticket
from app.timeutil import parse_paris
from tests.tickets.helpers import counter_values, ref, resident

HEADER = "external_ref;opened_at;channel;site;device;procedure;resident_name;resident_email"


def _import(*lines: str):
    return import_tickets(("\n".join([HEADER, *lines]) + "\n").encode())


@pytest.fixture
def kiosk_in_the_19th(reference):
    """The 19th's kiosk, installed on 1 June 2017 (the shipped data gives the 19th no device)."""
    site = ref(Site, "mairie-19")
    site.set_devices([*site.devices, ref(Device, "kiosk")], on=date(2017, 6, 1))
    db.session.commit()
    return site


def test_pilot_devices_are_installed_from_october_2016(reference):
    mairie12 = ref(Site, "mairie-12")
    assert {(i.device.code, i.installed_on, i.removed_on) for i in mairie12.installations} == {
        (code, date(2016, 10, 1), None) for code in ("kiosk", "tablet", "dual_screen", "none")}


def test_counter_tickets_of_2018_import_at_a_site_whose_kiosk_came_in_2017(kiosk_in_the_19th):
    result = _import("H-1;2018-03-05 10:00;counter;mairie-19;kiosk;critair;Marie Curie;marie@exemple.fr",
                     "H-2;2018-03-06 11:30;counter;mairie-19;kiosk;critair;Paul Curie;paul@exemple.fr")
    assert result.ok, result.errors
    assert result.tickets_created == 2


def test_the_same_ticket_dated_before_the_installation_is_refused_with_its_line_and_date(kiosk_in_the_19th):
    result = _import("H-1;2018-03-05 10:00;counter;mairie-19;kiosk;critair;Marie Curie;marie@exemple.fr",
                     "H-2;2017-05-31 18:00;counter;mairie-19;kiosk;critair;Paul Curie;paul@exemple.fr")
    assert result.errors == [
        "ligne 3, colonne device : Le dispositif « Borne tactile accessible PMR » n'était pas installé sur le "
        "site « Mairie du 19e arrondissement » le 31/05/2017 (installé le 01/06/2017)."]
    assert result.tickets_created == 0


def test_a_ticket_opened_after_the_removal_is_refused_and_one_opened_before_is_kept(reference):
    mairie2, kiosk = ref(Site, "mairie-02"), ref(Device, "kiosk")
    mairie2.set_devices([d for d in mairie2.devices if d is not kiosk], on=date(2019, 1, 1))
    person = resident()
    assert log_ticket(counter_values(person, opened_at=parse_paris("2018-12-31T23:30")), None).id
    with pytest.raises(TicketError) as refused:
        log_ticket(counter_values(person, opened_at=parse_paris("2019-01-01T00:30")), None)
    assert refused.value.problems == [("device_id", "Le dispositif « Borne tactile accessible PMR » n'était pas "
                                                 "installé sur le site « Mairie du 2e arrondissement » le "
                                                 "01/01/2019 (installé le 01/10/2016, retiré le 01/01/2019).")]


def test_a_device_never_installed_at_the_site_is_refused_as_before(reference):
    result = _import("H-1;2018-03-05 10:00;counter;mairie-05;kiosk;critair;Marie Curie;marie@exemple.fr")
    assert result.errors == ["ligne 2, colonne device : Le dispositif « Borne tactile accessible PMR » n'est "
                             "pas installé sur le site « Mairie du 5e arrondissement »."]


def test_unticking_a_device_in_the_admin_screen_keeps_its_history(reference, client_as):
    mairie2 = ref(Site, "mairie-02")
    kiosk = ref(Device, "kiosk")
    data = {"label": mairie2.label, "kind": "town_hall", "arrondissement": "2", "postal_code": "75002",
            "device_ids": [str(kiosk.id)]}
    assert client_as("admin").post(f"/admin/reference/sites/{mairie2.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [d.code for d in mairie2.devices] == ["kiosk"]
    tablet = [i for i in mairie2.installations if i.device.code == "tablet"]
    assert [(i.installed_on, i.removed_on is not None) for i in tablet] == [(date(2016, 10, 1), True)]
    person = resident()
    ticket = log_ticket(counter_values(person, device_id=tablet[0].device_id,
                                       opened_at=parse_paris("2017-01-10T10:00")), None)
    assert ticket.device.code == "tablet"


def test_admin_records_the_day_a_kiosk_was_installed_and_cannot_remove_it_before(reference, client_as):
    mairie19, kiosk = ref(Site, "mairie-19"), ref(Device, "kiosk")
    data = {"label": mairie19.label, "kind": "town_hall", "arrondissement": "19", "postal_code": "75019",
            "device_ids": [str(kiosk.id)], "devices_changed_on": "2017-06-01"}
    admin = client_as("admin")
    assert admin.post(f"/admin/reference/sites/{mairie19.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [(i.device.code, i.installed_on) for i in mairie19.installations if i.device.code == "kiosk"] == [
        ("kiosk", date(2017, 6, 1))]
    page = admin.get(f"/admin/reference/sites/{mairie19.id}/edit").get_data(as_text=True)
    assert "Historique de l'équipement du site" in page and "01/06/2017" in page
    early = dict(data, device_ids=[], devices_changed_on="2017-05-01")
    refused = admin.post(f"/admin/reference/sites/{mairie19.id}/edit", data=early)
    assert refused.status_code == 422
    assert "a été installé le 01/06/2017 : il ne peut pas être retiré avant cette date" in refused.get_data(as_text=True)
