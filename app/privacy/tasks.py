"""Scheduled job: apply the retention periods every night."""

from app.audit.actor import Actor
from app.extensions import db
from app.privacy.retention import apply_retention


def apply_retention_job() -> dict:
    """Anonymise inactive residents and purge old ticket notes; commit. Returns the counts."""
    plan = apply_retention(dry_run=False, actor=Actor.system())
    db.session.commit()
    return {"residents_anonymised": len(plan.residents), "ticket_notes_purged": len(plan.note_ticket_ids)}
