"""Write audit entries. Called by services, jobs, commands and the web layer alike, each saying who acts
and from where (an `Actor`): nothing here reads the request or the signed-in agent."""

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.cards.guard import mask_value
from app.extensions import db


def scrub(value):
    """`value` with each card number masked, in text and in a document's leaves (an entry never stores one)."""
    return mask_value(value)


def record(
    action: str,
    actor: Actor,
    *,
    object_type: str | None = None,
    object_id=None,
    resident_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Add an audit entry (flushed with the caller's transaction).

    The entry names `actor.agent` (its login too), else `actor.login`; its address is `actor.address`.
    """
    agent = actor.agent
    entry = AuditEntry(
        action=action,
        agent_id=agent.id if agent is not None else None,
        agent_login=scrub(agent.login if agent is not None else actor.login or "")[:80] or None,
        object_type=object_type,
        object_id=scrub(str(object_id))[:80] if object_id is not None else None,  # masked, then cut
        resident_id=resident_id,
        ip=actor.address,
        detail=scrub(detail or {}),
    )
    db.session.add(entry)
    return entry
