"""Tickets for the reports tests, created directly (the tickets services are not under test here)."""

import itertools
from datetime import datetime

from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.extensions import db
from app.tickets.models import Ticket

_numbers = itertools.count(1)


def ref(model, code: str):
    """The reference row with this code (needs the `reference` fixture)."""
    return db.session.execute(db.select(model).where(model.code == code)).scalar_one()


def make_resident(name: str = "Usager") -> Resident:
    resident = Resident(first_name=name, last_name="Test", search_name=f"test {name}".lower())
    db.session.add(resident)
    db.session.flush()
    return resident


def make_ticket(opened_at: datetime, *, site: str = "mairie-02", channel: str = "counter", device: str | None = "kiosk",
                procedure: str | None = None, resident: Resident | None = None, closed_at: datetime | None = None,
                **values) -> Ticket:
    """A ticket opened at `opened_at` (aware UTC) with codes for its reference data."""
    number = next(_numbers)
    ticket = Ticket(
        reference=f"T-{number:08d}",
        opened_at=opened_at,
        updated_at=values.pop("updated_at", opened_at),
        closed_at=closed_at,
        site_id=ref(Site, site).id,
        channel_id=ref(Channel, channel).id,
        device_id=ref(Device, device).id if device else None,
        procedure_id=ref(Procedure, procedure).id if procedure else None,
        resident_id=resident.id if resident else None,
        anonymous=resident is None,
        status=values.pop("status", "closed" if closed_at else "open"),
        **values,
    )
    db.session.add(ticket)
    return ticket
