"""Telephony use cases: record the phone system's events, mark a missed call handled, tie a call to a ticket.

Services add and flush, never commit. Every event is idempotent (a repeated event changes nothing), and
events may come in any order: the call ends in the same state.
"""

import logging

from sqlalchemy.exc import IntegrityError

from app.audit.actor import Actor
from app.audit.services import record
from app.cards.detector import contains_card_number
from app.digits import ascii_int
from app.extensions import db
from app.telephony.callids import stored_call_id
from app.telephony.cti import CtiEvent
from app.telephony.models import Call
from app.telephony.numbers import caller_number
from app.telephony.queries import find_operator, get_call_by_external_id, residents_for_number
from app.tickets.labels import OPEN_STATUSES
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

# Hang-up causes that say nobody picked up: an answer arriving after one of them changes nothing.
NOT_ANSWERED_CAUSES = frozenset({"busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded"})


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


def _describe(call: Call, event: CtiEvent, *, announcing: bool) -> None:
    """Fill the call's parties from an event. The newCall says who calls whom and wins; an answer or
    hang-up that overtook it fills only what is still unknown, with what it carries (often nothing)."""
    if event.direction is not None and (announcing or not call.announced):
        call.direction = event.direction
    other, platform = ((event.from_number, event.to_number) if call.direction == "in"
                       else (event.to_number, event.from_number))
    if announcing or (other is not None and call.number is None and call.raw_number is None):
        caller = caller_number(other)
        call.number, call.raw_number, call.anonymous = caller.e164, _machine_text(caller.raw), caller.anonymous
        matches = residents_for_number(caller.e164, limit=2)
        if len(matches) == 1:
            call.resident_id = matches[0].id
    if platform is not None and (announcing or call.dialled is None):
        call.dialled = _machine_text(platform)
    if (event.queue or platform) and (announcing or call.queue is None):
        call.queue = _machine_text(event.queue or platform)
    if event.users and call.users is None:
        call.users = _machine_text(", ".join(event.users)[:250])


def _first_event(event: CtiEvent, at) -> Call:
    """The call row for an id Relais has not seen, created by whichever of its events comes first.

    Two events of one new call at the same instant both try to insert it: the unique call id lets one
    win, and the other (in a savepoint) finds the winner's row and applies its event to it."""
    call = Call(call_id=stored_call_id(event.call_id), direction=event.direction or "in", anonymous=False,
                state="ringing", started_at=at, announced=False)
    try:
        with db.session.begin_nested():
            db.session.add(call)
            db.session.flush()
    except IntegrityError:
        existing = get_call_by_external_id(event.call_id, for_update=True)
        if existing is None:
            raise
        return existing
    return call


def _announce(call: Call, event: CtiEvent) -> None:
    if call.announced:
        return  # a repeated newCall changes nothing
    _describe(call, event, announcing=True)
    call.announced = True


def _answer(call: Call, event: CtiEvent, at) -> None:
    if call.answered_at is not None:
        return  # a repeated answer
    if call.ended_at is not None:
        if call.cause in NOT_ANSWERED_CAUSES:
            return  # the hang-up said nobody picked up: this answer is no news
        # The hang-up overtook the answer: the call was answered; the talk ended with the hang-up as received.
        call.answered_at = call.ended_at
        call.duration_seconds = 0
    else:
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
        return  # a repeated hang-up
    call.ended_at = max(at, call.answered_at or call.started_at)
    if call.answered_at is None:
        call.wait_seconds = _seconds(call.started_at, call.ended_at)
    else:
        call.duration_seconds = _seconds(call.answered_at, call.ended_at)
    call.cause = _machine_text(event.cause)
    if event.cause == "forwarded":
        call.state = "forwarded"
    elif call.answered_at is None:
        call.state = "missed"


def record_cti_event(event: CtiEvent) -> Call:
    """Apply one CTI event to its call, whatever order the events arrive in, and return the call.

    The first event of a call creates it, even an answer or a hang-up that overtook the newCall (an
    Asterisk hang-up carries no number): the newCall, when it comes, fills in the parties; a late answer
    after a hang-up that does not say nobody answered makes the call answered. The call's row is locked
    while the event applies, so concurrent events of one call do not overwrite each other.
    """
    at = utcnow()
    call = get_call_by_external_id(event.call_id, for_update=True) or _first_event(event, at)
    if event.event == "newCall":
        _announce(call, event)
    else:
        if not call.announced:
            _describe(call, event, announcing=False)
        if event.event == "answer":
            _answer(call, event, at)
        else:
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


def ticket_values_for_call(call: Call, values: dict) -> dict:
    """`values` of a ticket logged for this call, with what it takes from the call where they say nothing.

    The one rule for the ticket form and the API: opened when the call was answered (its handling time
    starts there); when the ticket is saved already closed (any status but an open one) and the call has
    ended, closed when the call ended.
    """
    if call.answered_at is not None:
        values.setdefault("opened_at", call.answered_at)
        if call.ended_at is not None and (values.get("status") or "open") not in OPEN_STATUSES:
            values.setdefault("closed_at", call.ended_at)
    return values
