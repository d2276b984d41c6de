"""Read side of the audit trail: search entries by agent, resident and period."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, func, or_

from app.audit.models import AuditEntry
from app.auth.models import Agent
from app.contacts.models import Resident
from app.contacts.normalise import name_key
from app.digits import is_ascii_number
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import paris_day_bounds


@dataclass
class AuditFilters:
    """What an admin searches the audit trail for; empty fields do not filter."""

    agent: str | None = None
    resident: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


def _agent_clause(text: str):
    needle = text.strip().lower()
    agent_ids = db.select(Agent.id).where(func.lower(Agent.name).contains(needle, autoescape=True))
    return or_(func.lower(AuditEntry.agent_login).contains(needle, autoescape=True),
               AuditEntry.agent_id.in_(agent_ids))


def _resident_clause(text: str):
    text = text.strip()
    if is_ascii_number(text):
        return AuditEntry.resident_id == int(text)
    key = name_key(text)
    if not key:
        return false()
    resident_ids = db.select(Resident.id).where(Resident.search_name.contains(key, autoescape=True))
    return AuditEntry.resident_id.in_(resident_ids)


def audit_entries_query(filters: AuditFilters):
    """A select of audit entries matching `filters`, newest first."""
    query = db.select(AuditEntry)
    if filters.agent and filters.agent.strip():
        query = query.where(_agent_clause(filters.agent))
    if filters.resident and filters.resident.strip():
        query = query.where(_resident_clause(filters.resident))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.start:
        query = query.where(AuditEntry.at >= paris_day_bounds(filters.start)[0])
    if filters.end:
        query = query.where(AuditEntry.at < paris_day_bounds(filters.end)[1])
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def search_audit_entries(filters: AuditFilters, page: int = 1, per_page: int = 50):
    """One page of matching entries (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(audit_entries_query(filters), page=page, per_page=per_page, error_out=False)


def list_resident_audit_entries(resident_id: int) -> list[AuditEntry]:
    """Every audit entry about one resident, oldest first (for the right-of-access export)."""
    query = db.select(AuditEntry).where(AuditEntry.resident_id == resident_id).order_by(AuditEntry.at, AuditEntry.id)
    return list(db.session.execute(query).scalars())


def agent_names(agent_ids) -> dict[int, str]:
    """Display names of these agents, by id."""
    ids = {i for i in agent_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(db.select(Agent.id, Agent.name).where(Agent.id.in_(ids)))
    return {agent_id: name for agent_id, name in rows}


def ticket_references(entries) -> dict[str, str]:
    """{ticket id as text: reference} of the tickets these entries are about (one query)."""
    from_ids = {e.object_id for e in entries if e.object_type == "ticket" and is_ascii_number(e.object_id)}
    if not from_ids:
        return {}
    rows = db.session.execute(db.select(Ticket.id, Ticket.reference).where(Ticket.id.in_([int(i) for i in from_ids])))
    return {str(ticket_id): reference for ticket_id, reference in rows}
