"""Scheduled job: purge audit entries older than the configured retention period."""

import logging
from datetime import timedelta

from sqlalchemy import delete

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.extensions import db
from app.privacy.settings import AUDIT_RETENTION_DAYS, get_setting
from app.timeutil import utcnow

logger = logging.getLogger(__name__)


def purge_audit_entries() -> int:
    """Delete entries older than `audit_retention_days`; record the purge itself. Returns the count deleted."""
    days = get_setting(AUDIT_RETENTION_DAYS)
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
    count = result.rowcount or 0
    record("audit.purge", Actor.system(),
           detail={"deleted": count, "retention_days": days, "before": cutoff.isoformat()})
    db.session.commit()
    logger.info("Audit purge: %s entries older than %s days deleted", count, days)
    return count
