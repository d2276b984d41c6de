"""Write audit entries. Called by views, services and jobs alike."""

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEntry
from app.cardguard import mask_value
from app.extensions import db


def scrub(value):
    """`value` with each card number masked, in text and in a document's leaves (an entry never stores one)."""
    return mask_value(value)


def _current_agent():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def record(
    action: str,
    *,
    agent=None,
    agent_login: str | None = None,
    object_type: str | None = None,
    object_id=None,
    resident_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Add an audit entry (flushed with the caller's transaction).

    `agent` defaults to the signed-in agent; the address comes from the request when there is one.
    """
    agent = agent or _current_agent()
    entry = AuditEntry(
        action=action,
        agent_id=agent.id if agent is not None else None,
        agent_login=scrub(agent.login if agent is not None else agent_login or "")[:80] or None,
        object_type=object_type,
        object_id=scrub(str(object_id))[:80] if object_id is not None else None,  # masked, then cut
        resident_id=resident_id,
        ip=request.remote_addr if has_request_context() else None,
        detail=scrub(detail or {}),
    )
    db.session.add(entry)
    return entry
