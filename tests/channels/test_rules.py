"""Channel rules read from data."""

from app.channels.models import Channel, Device, Site
from app.channels.rules import check_channel_rules
from app.extensions import db


def _get(model, code):
    return db.session.execute(db.select(model).where(model.code == code)).scalar_one()


def test_counter_needs_a_device(reference):
    counter, site = _get(Channel, "counter"), _get(Site, "mairie-02")
    problems = check_channel_rules(counter, site, _get(Device, "none"), None)
    assert [field for field, _ in problems] == ["device"]
    assert check_channel_rules(counter, site, _get(Device, "kiosk"), None) == []


def test_facil_familles_needs_the_family_number(reference):
    channel, site = _get(Channel, "facil_familles"), _get(Site, "facil-familles")
    assert [f for f, _ in check_channel_rules(channel, site, None, "  ")] == ["family_number"]
    assert check_channel_rules(channel, site, None, "FF-12345") == []


def test_phone_3975_is_on_the_platform(reference):
    channel = _get(Channel, "phone_3975")
    problems = check_channel_rules(channel, _get(Site, "mairie-12"), None, None)
    assert problems == [("site", "Sur le canal « Téléphone 3975 », le site doit être "
                                 "« Plateforme téléphonique 3975 ».")]
    assert check_channel_rules(channel, _get(Site, "plateforme-3975"), None, None) == []


def test_a_rule_changed_by_an_admin_applies_at_once(reference):
    email = _get(Channel, "email")
    assert check_channel_rules(email, _get(Site, "mairie-02"), None, None) == []
    email.requires_device = True
    assert [f for f, _ in check_channel_rules(email, _get(Site, "mairie-02"), None, None)] == ["device"]
