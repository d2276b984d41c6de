"""Small builders shared by the ticket tests."""

from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.services import create_resident
from app.extensions import db


def ref(model, code):
    """The reference row of `model` with this code."""
    return db.session.execute(db.select(model).where(model.code == code)).scalar_one()


def resident(**values):
    values.setdefault("last_name", "Martin")
    values.setdefault("first_name", "Claire")
    values.setdefault("phone", "06 12 34 56 78")
    person = create_resident(values)
    db.session.flush()
    return person


def counter_values(person, site_code="mairie-02", **extra):
    """Values of a counter facilitation ticket at a pilot town hall, on its kiosk."""
    values = {"resident_id": person.id, "channel_id": ref(Channel, "counter").id,
              "site_id": ref(Site, site_code).id, "device_id": ref(Device, "kiosk").id,
              "procedure_id": ref(Procedure, "compte-parisien").id}
    values.update(extra)
    return values


def counter_form(**extra):
    """What a counter agent must choose on the new-ticket form (procedure, device, status), plus `extra`."""
    return {"procedure_id": ref(Procedure, "compte-parisien").id, "device_id": ref(Device, "kiosk").id,
            "status": "closed", **extra}
