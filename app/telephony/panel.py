"""What the operator's caller panel shows: the call, the residents matched by its number, their tickets."""

from flask import url_for

from app.audit.actor import Actor
from app.audit.services import record
from app.contacts.normalise import display_phone
from app.contacts.queries import resident_tickets
from app.telephony.models import Call
from app.telephony.queries import current_call_for, residents_for_number
from app.tickets.labels import OPEN_STATUSES, STATUS_LABELS
from app.timeutil import to_paris


def _ticket_url(call: Call, **args) -> str:
    return url_for("tickets.new", call=call.id, **args)


def _resident_entry(resident, call: Call) -> dict:
    tickets = resident_tickets(resident.id)
    open_tickets = [t for t in tickets if t.status in OPEN_STATUSES][:5]
    return {
        "id": resident.id, "name": resident.full_name, "phone": display_phone(resident.phone),
        "last_contact": to_paris(resident.last_contact_at).strftime("%d/%m/%Y %H:%M")
        if resident.last_contact_at else None,
        "url": url_for("contacts.show", resident_id=resident.id),
        "log_url": _ticket_url(call, resident_id=resident.id),
        "open_tickets": [{"reference": t.reference, "status": STATUS_LABELS.get(t.status, t.status),
                          "url": url_for("tickets.show", ticket_id=t.id)} for t in open_tickets],
        "last_tickets": [{"reference": t.reference, "opened": to_paris(t.opened_at).strftime("%d/%m/%Y"),
                          "channel": t.channel.label, "url": url_for("tickets.show", ticket_id=t.id)}
                         for t in tickets[:3]],
    }


def current_call_id(agent) -> int | None:
    """The id of the call on the operator's panel (polled; no personal data)."""
    call = current_call_for(agent.id)
    return call.id if call is not None else None


def panel_data(call: Call, actor: Actor) -> dict:
    """The call, the residents its number matches (their read audited for `actor`) and the links to log it."""
    residents = residents_for_number(call.number)
    entries = [_resident_entry(resident, call) for resident in residents]
    if residents:
        record("resident.view", actor, object_type="call", object_id=call.id,
               resident_id=residents[0].id if len(residents) == 1 else None,
               detail={"fields": ["name", "phone", "tickets"], "resident_ids": [r.id for r in residents]})
    if call.anonymous:
        primary = _ticket_url(call, anonymous=1)
    elif entries:
        primary = entries[0]["log_url"]
    else:
        primary = url_for("telephony.new_caller", call_id=call.id)  # the number stays out of the URL
    return {
        "call": {"id": call.id, "number": display_phone(call.number) if call.number else None,
                 "anonymous": bool(call.anonymous), "state": call.state, "queue": call.queue,
                 "answered_at": to_paris(call.answered_at).strftime("%H:%M:%S")},
        "residents": entries,
        "primary_url": primary,
        "anonymous_url": _ticket_url(call, anonymous=1),
    }
