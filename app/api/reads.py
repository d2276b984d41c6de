"""What a token reads, within its reach, each read audited with the ids shown (as the pages are).

Tickets out of reach are answered as unknown (404): a token learns nothing of another site's tickets.
"""

from datetime import datetime

from app.api.scope import TokenScope
from app.audit.actor import Actor
from app.audit.services import record
from app.channels.models import Channel, Site
from app.extensions import db
from app.telephony.models import Call
from app.telephony.queries import list_calls
from app.tickets.models import Ticket
from app.tickets.queries import get_ticket
from app.tickets.reads import record_ticket_read

API_PAGE = "api"  # the `page` of the API's ticket reads in the audit trail


def read_ticket(ticket_id: int, reach: TokenScope, actor: Actor) -> Ticket | None:
    """The ticket, if within `reach`; its read is audited (`ticket.view`, page "api"). Out of reach: None,
    and an `integration.refused` entry naming the ticket."""
    ticket = get_ticket(ticket_id)
    if ticket is None:
        return None
    if not reach.covers(ticket.site_id, ticket.channel_id):
        record("integration.refused", actor, object_type="ticket", object_id=ticket.id,
               detail={"reason": "reach", "endpoint": "api.ticket"})
        return None
    record_ticket_read(actor, ticket, page=API_PAGE)
    return ticket


def list_tickets(reach: TokenScope, actor: Actor, *, site: str | None = None, channel: str | None = None,
                 status: str | None = None, since: datetime | None = None, until: datetime | None = None,
                 limit: int = 50, offset: int = 0) -> list[Ticket]:
    """Tickets within `reach`, newest first, optionally of one site, channel, status or opening period.
    Audited as `ticket.list` with the ids and residents shown and the filters (never a value read)."""
    query = db.select(Ticket).where(reach.ticket_clause(Ticket))
    if site is not None:
        query = query.join(Site, Site.id == Ticket.site_id).where(Site.code == site)
    if channel is not None:
        query = query.join(Channel, Channel.id == Ticket.channel_id).where(Channel.code == channel)
    if status is not None:
        query = query.where(Ticket.status == status)
    if since is not None:
        query = query.where(Ticket.opened_at >= since)
    if until is not None:
        query = query.where(Ticket.opened_at < until)
    tickets = list(db.session.execute(query.order_by(Ticket.opened_at.desc(), Ticket.id.desc())
                                      .limit(limit).offset(offset)).scalars())
    filters = {name: value for name, value in (("site", site), ("channel", channel), ("status", status))
               if value is not None}
    record("ticket.list", actor, object_type="ticket",
           detail={"page": API_PAGE, "ids": [ticket.id for ticket in tickets],
                   "resident_ids": sorted({t.resident_id for t in tickets if t.resident_id is not None}),
                   "filters": filters})
    return tickets


def calls_of_tickets(ticket_ids: list[int]) -> dict[int, Call]:
    """The call each ticket was logged for, by ticket id (one query)."""
    if not ticket_ids:
        return {}
    calls = db.session.execute(db.select(Call).where(Call.ticket_id.in_(ticket_ids))).scalars()
    return {call.ticket_id: call for call in calls}


def read_calls(actor: Actor, **query) -> list[Call]:
    """The caller log (the token serves the 3975 platform: checked by its scope), audited as the page is:
    `call.list` with the call ids and the residents matched."""
    calls = list_calls(**query)
    record("call.list", actor, object_type="call",
           detail={"page": API_PAGE, "ids": [call.id for call in calls],
                   "resident_ids": sorted({c.resident_id for c in calls if c.resident_id is not None}),
                   "state": query.get("state")})
    return calls


def run_within_reach(run, reach: TokenScope) -> bool:
    """Whether a report run (its stored `params`) covers only sites and channels the token serves (every site: all_sites only)."""
    sites, channels = run.params.get("sites") or [], run.params.get("channels") or []
    if (reach.site_codes is not None and not sites) or (reach.channel_codes is not None and not channels):
        return False
    return not reach.outside_sites(sites) and not reach.outside_channels(channels)
