"""Right of access: everything Relais holds about one resident, as plain data (JSON-ready)."""

from datetime import date, datetime

from app.audit.actor import Actor
from app.audit.labels import action_label
from app.audit.queries import list_resident_audit_entries
from app.audit.services import record
from app.contacts.models import Resident, ResidentChange
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.timeutil import as_utc

IDENTITY_FIELDS = ("id", "civility", "first_name", "last_name", "birth_date", "account_ref", "family_number",
                   "preferred_language", "needs", "consent_contact", "arrondissement", "merged_into_id",
                   "anonymised_at", "last_contact_at", "created_at", "updated_at")
CONTACT_FIELDS = ("email", "phone", "phone_alt", "address", "postal_code", "city")
TICKET_FIELDS = ("reference", "external_ref", "opened_at", "closed_at", "status", "outcome", "mode",
                 "digital_choice", "requested_service_text", "payment_assisted", "protocol_confirmed",
                 "family_number", "notes")


def _plain(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _label(obj):
    return obj.label if obj is not None else None


def _ticket(ticket: Ticket) -> dict:
    data = {field: _plain(getattr(ticket, field)) for field in TICKET_FIELDS}
    data |= {"channel": _label(ticket.channel), "site": _label(ticket.site), "device": _label(ticket.device),
             "procedure": _label(ticket.procedure), "requested_procedure": _label(ticket.requested_procedure),
             "agent": ticket.agent.name if ticket.agent else None}
    events = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .order_by(TicketEvent.at, TicketEvent.id)).scalars()
    data["events"] = [{"at": _plain(e.at), "kind": e.kind, "agent": e.agent.name if e.agent else None,
                       "changes": e.changes} for e in events]
    return data


def build_resident_export(resident: Resident) -> dict:
    """Identity, contact details, change history, tickets with their events, and audit entries about them."""
    changes = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident.id)
                                 .order_by(ResidentChange.at, ResidentChange.id)).scalars()
    tickets = db.session.execute(db.select(Ticket).where(Ticket.resident_id == resident.id)
                                 .order_by(Ticket.opened_at, Ticket.id)).scalars()
    merged = db.session.execute(db.select(Resident).where(Resident.merged_into_id == resident.id)
                                .order_by(Resident.id)).scalars()
    return {
        "resident": {field: _plain(getattr(resident, field)) for field in IDENTITY_FIELDS},
        "contact": {field: getattr(resident, field) for field in CONTACT_FIELDS},
        "merged_records": [{"resident": {field: _plain(getattr(m, field)) for field in IDENTITY_FIELDS},
                            "contact": {field: getattr(m, field) for field in CONTACT_FIELDS}} for m in merged],
        "changes": [{"at": _plain(c.at), "action": c.action, "agent_id": c.agent_id, "changes": c.changes,
                     "note": c.note} for c in changes],
        "tickets": [_ticket(t) for t in tickets],
        "audit": [{"at": _plain(a.at), "action": a.action, "label": action_label(a.action),
                   "agent_login": a.agent_login, "ip": a.ip} for a in list_resident_audit_entries(resident.id)],
    }


def export_resident(resident: Resident, actor: Actor, fmt: str) -> dict:
    """Build the right-of-access export and audit it for `actor` (`fmt`: 'json' or 'html')."""
    data = build_resident_export(resident)
    record("resident.export", actor, object_type="resident", object_id=resident.id,
           resident_id=resident.id, detail={"format": fmt, "tickets": len(data["tickets"])})
    return data
