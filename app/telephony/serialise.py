"""A call as plain values (the API's `GET /api/v1/calls` and the panel's polling answer)."""

from app.telephony.models import Call


def call_as_dict(call: Call) -> dict:
    return {
        "id": call.id, "call_id": call.call_id, "direction": call.direction, "number": call.number,
        "anonymous": bool(call.anonymous), "state": call.state, "queue": call.queue,
        "started_at": call.started_at, "answered_at": call.answered_at, "ended_at": call.ended_at,
        "wait_seconds": call.wait_seconds, "duration_seconds": call.duration_seconds,
        "resident_id": call.resident_id, "operator": call.agent.login if call.agent else None,
        "ticket_id": call.ticket_id, "called_back": call.called_back_at is not None,
    }
