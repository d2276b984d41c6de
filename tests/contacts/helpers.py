"""Helpers for the residents tests: tickets on the shipped channels and sites."""

from datetime import UTC, datetime

from app.channels.models import Channel, Site
from app.extensions import db
from app.tickets.models import Ticket

_counter = iter(range(1, 1_000_000))


def add_ticket(resident, channel_code: str, site_code: str, opened: datetime | None = None, status: str = "closed",
               notes: str | None = None) -> Ticket:
    """A ticket of `resident` on this channel and site (reference data must be loaded)."""
    channel = db.session.execute(db.select(Channel).where(Channel.code == channel_code)).scalar_one()
    site = db.session.execute(db.select(Site).where(Site.code == site_code)).scalar_one()
    ticket = Ticket(reference=f"T-{next(_counter):06d}", resident_id=resident.id, channel_id=channel.id,
                    site_id=site.id, status=status, notes=notes,
                    opened_at=opened or datetime(2017, 1, 10, 9, 0, tzinfo=UTC))
    db.session.add(ticket)
    db.session.flush()
    return ticket
