"""The retention job: anonymise residents without contact for too long, purge old ticket notes."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func

from app.audit.actor import Actor
from app.audit.services import record
from app.contacts.models import Resident
from app.extensions import db
from app.privacy.services import anonymise_resident
from app.privacy.settings import RESIDENT_INACTIVITY_DAYS, TICKET_NOTES_RETENTION_DAYS, get_setting
from app.tickets.models import Ticket
from app.tickets.privacy import purge_ticket_notes
from app.timeutil import utcnow

logger = logging.getLogger(__name__)


@dataclass
class RetentionPlan:
    """What the retention job does (or would do, in a dry run)."""

    resident_cutoff: datetime
    notes_cutoff: datetime
    residents: list[tuple[int, datetime | None]] = field(default_factory=list)  # (id, last contact)
    note_ticket_ids: list[int] = field(default_factory=list)
    dry_run: bool = True


def inactive_residents_query(cutoff: datetime):
    """Residents (not anonymised, not merged) with no contact and no ticket since `cutoff`."""
    recent_ticket = exists().where(and_(Ticket.resident_id == Resident.id, Ticket.opened_at >= cutoff))
    last_seen = func.coalesce(Resident.last_contact_at, Resident.created_at)
    return (db.select(Resident.id, last_seen).where(Resident.anonymised_at.is_(None),
                                                    Resident.merged_into_id.is_(None), last_seen < cutoff,
                                                    ~recent_ticket)
            .order_by(Resident.id))


def old_notes_query(cutoff: datetime):
    """Tickets opened before `cutoff` that still carry notes."""
    return (db.select(Ticket.id).where(Ticket.opened_at < cutoff, Ticket.notes.is_not(None), Ticket.notes != "")
            .order_by(Ticket.id))


def apply_retention(dry_run: bool = True, now: datetime | None = None, *, actor: Actor | None = None) -> RetentionPlan:
    """List (dry run) or apply the retention rules; audited when applied, for `actor` (the admin who runs it
    from the page; by default the system: the nightly job, the command). Flushes, does not commit."""
    actor = actor or Actor.system()
    now = now or utcnow()
    plan = RetentionPlan(resident_cutoff=now - timedelta(days=get_setting(RESIDENT_INACTIVITY_DAYS)),
                         notes_cutoff=now - timedelta(days=get_setting(TICKET_NOTES_RETENTION_DAYS)),
                         dry_run=dry_run)
    plan.residents = [tuple(row) for row in db.session.execute(inactive_residents_query(plan.resident_cutoff))]
    plan.note_ticket_ids = list(db.session.execute(old_notes_query(plan.notes_cutoff)).scalars())
    if dry_run:
        return plan
    for resident_id, _last in plan.residents:
        anonymise_resident(db.session.get(Resident, resident_id), agent=None, reason="retention", actor=actor)
    ids = plan.note_ticket_ids
    purge_ticket_notes(ids)
    record("retention.run", actor,
           detail={"residents_anonymised": len(plan.residents), "ticket_notes_purged": len(ids),
                   "resident_cutoff": plan.resident_cutoff.isoformat(),
                   "notes_cutoff": plan.notes_cutoff.isoformat()})
    db.session.flush()
    logger.info("Retention: %s residents anonymised, notes of %s tickets purged", len(plan.residents), len(ids))
    return plan
