"""Telephony use cases: record the phone system's events, mark a missed call handled, tie a call to a ticket.

Services add and flush, never commit. Every event is idempotent: a repeated event, or an answer or
hang-up for a call Relais never heard of, changes nothing and raises nothing.
"""

import logging

from app.audit.actor import Actor
from app.audit.services import record
from app.cardnumbers import contains_card_number
from app.digits import ascii_int
from app.extensions import db
from app.telephony.cti import CtiEvent
from app.telephony.models import Call
from app.telephony.numbers import caller_number
from app.telephony.queries import find_operator, get_call_by_external_id, residents_for_number
from app.timeutil import utcnow

logger = logging.getLogger(__name__)


class CallError(ValueError):
    """A call action that does not apply (e.g. marking an answered call as called back)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _seconds(start, end) -> int:
    return int((end - start).total_seconds())


def _machine_text(value: str | None) -> str | None:
    """A phone system's free text (queue, names, unreadable number), dropped if it holds a card number."""
    return None if value is None or contains_card_number(value) else value


def _new_call(event: CtiEvent, at) -> Call:
    direction = event.direction or "in"
    other, platform = ((event.from_number, event.to_number) if direction == "in"
                       else (event.to_number, event.from_number))
    caller = caller_number(other)
    matches = residents_for_number(caller.e164, limit=2)
    call = Call(call_id=event.call_id, direction=direction, number=caller.e164,
                raw_number=_machine_text(caller.raw), anonymous=caller.anonymous, dialled=_machine_text(platform),
                queue=_machine_text(event.queue or platform), users=_machine_text(", ".join(event.users)[:250] or None),
                state="ringing", started_at=at,
                resident_id=matches[0].id if len(matches) == 1 else None)
    db.session.add(call)
    db.session.flush()
    return call


def _answer(call: Call, event: CtiEvent, at) -> None:
    if call.answered_at is not None or call.ended_at is not None:
        return  # repeated answer, or an answer after the hang-up: nothing to change
    call.answered_at = max(at, call.started_at)
    call.wait_seconds = _seconds(call.started_at, call.answered_at)
    call.state = "answered"
    operator = find_operator(event.answering_number, event.users)
    if operator is not None:
        call.agent_id = operator.id
    if event.users:
        call.users = _machine_text(", ".join(event.users)[:250])


def _hangup(call: Call, event: CtiEvent, at) -> None:
    if call.ended_at is not None:
        return
    call.ended_at = max(at, call.answered_at or call.started_at)
    if call.answered_at is None:
        call.wait_seconds = _seconds(call.started_at, call.ended_at)
    else:
        call.duration_seconds = _seconds(call.answered_at, call.ended_at)
    call.cause = event.cause
    if event.cause == "forwarded":
        call.state = "forwarded"
    elif call.answered_at is None:
        call.state = "missed"


def record_cti_event(event: CtiEvent, token=None) -> Call | None:
    """Apply one CTI event; returns the call, or None for an answer/hang-up of an unknown call without a number."""
    at = utcnow()
    call = get_call_by_external_id(event.call_id)
    if call is None:
        if event.event != "newCall" and not event.from_number:
            logger.info("CTI %s for unknown call %s ignored", event.event, event.call_id)
            return None
        call = _new_call(event, at)
    if event.event == "answer":
        _answer(call, event, at)
    elif event.event == "hangup":
        _hangup(call, event, at)
    db.session.flush()
    return call


def mark_called_back(call: Call, agent, *, actor: Actor | None = None) -> Call:
    """A missed call the platform has called back ("rappelé"); audited for `actor` (by default `agent`)."""
    if call.state != "missed":
        raise CallError("Seul un appel manqué peut être marqué « rappelé ».")
    if call.called_back_at is None:
        call.called_back_at = utcnow()
        call.called_back_by_id = agent.id
        record("call.called_back", actor or Actor(agent), object_type="call", object_id=call.id,
               resident_id=call.resident_id, detail={"fields": ["called_back_at"]})
        db.session.flush()
    return call


def attach_ticket(call: Call, ticket) -> Call:
    """Record that `ticket` was logged for this call (and its resident when the call had none)."""
    call.ticket_id = ticket.id
    if call.resident_id is None and ticket.resident_id is not None:
        call.resident_id = ticket.resident_id
    db.session.flush()
    return call


def call_to_log(raw_call_id: str | None, agent) -> Call | None:
    """The call named by the ticket form's `call` argument, when it is the agent's own and has no ticket yet."""
    call_id = ascii_int(str(raw_call_id or ""))
    if call_id is None:
        return None
    call = db.session.get(Call, call_id)
    if call is None or call.agent_id != agent.id or call.ticket_id is not None:
        return None
    return call


def ticket_values_for_call(call: Call) -> dict:
    """What a ticket logged for this call takes from it: opened when answered (its handling time starts there)."""
    return {"opened_at": call.answered_at} if call.answered_at is not None else {}
