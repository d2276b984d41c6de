"""Plain helpers creating residents and tickets directly (the reference data must be loaded)."""

import itertools
from datetime import datetime

from app.channels.models import Channel, Procedure, Site
from app.contacts.models import Resident, ResidentChange
from app.contacts.normalise import name_key
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.timeutil import utcnow

_numbers = itertools.count(1)


def by_code(model, code: str):
    """The reference row with this code."""
    return db.session.execute(db.select(model).where(model.code == code)).scalar_one()


def make_resident(first_name="Marie", last_name="Lefèvre", **values) -> Resident:
    """A resident with contact details and one 'created' change."""
    values = {"email": "marie.lefevre@example.org", "phone": "+33612345678", "address": "3 rue de la Paix",
              "postal_code": "75002", "city": "Paris", "arrondissement": 2, "family_number": "FF-12345",
              "account_ref": f"CP-{next(_numbers):06d}"} | values
    resident = Resident(first_name=first_name, last_name=last_name, search_name=name_key(last_name, first_name),
                        **values)
    db.session.add(resident)
    db.session.flush()
    db.session.add(ResidentChange(resident_id=resident.id, action="created",
                                  changes={"last_name": [None, last_name], "email": [None, resident.email]}))
    db.session.flush()
    return resident


def make_ticket(resident=None, channel="counter", site="mairie-02", procedure=None, agent=None,
                opened_at: datetime | None = None, notes="Notes de l'agent", **values) -> Ticket:
    """A ticket on this channel and site, with one 'created' event carrying its notes."""
    procedure_row = by_code(Procedure, procedure) if procedure else db.session.execute(
        db.select(Procedure).order_by(Procedure.id).limit(1)).scalar_one()
    ticket = Ticket(reference=f"T-{next(_numbers):08d}", resident=resident, anonymous=resident is None,
                    channel=by_code(Channel, channel), site=by_code(Site, site), procedure=procedure_row,
                    agent=agent, opened_at=opened_at or utcnow(), notes=notes, **values)
    db.session.add(ticket)
    db.session.flush()
    db.session.add(TicketEvent(ticket_id=ticket.id, kind="created", at=ticket.opened_at,
                               changes={"notes": [None, notes], "status": [None, "open"]}))
    db.session.flush()
    return ticket
