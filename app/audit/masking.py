"""The one opening in the audit trail's immutability: replacing card numbers found in its entries.

Audit entries are immutable in the database (trigger of migrations 0006/0015); the trigger admits a change
of their text columns only while an `audit_maskings` row exists. `masking_window` writes that row and
removes it again, inside the caller's transaction (`privacy scan-cards --mask`).
"""

from contextlib import contextmanager

from sqlalchemy import delete, insert

from app.audit.models import AuditMasking
from app.extensions import db
from app.timeutil import utcnow


@contextmanager
def masking_window(needed: bool = True):
    """While inside, this transaction may replace card numbers in audit entries (when `needed`).

    On an error the row is left to the caller's rollback, which removes it with everything else.
    """
    if not needed:
        yield
        return
    table = AuditMasking.__table__
    masking = db.session.execute(insert(table).values(at=utcnow()).returning(table.c.id)).scalar_one()
    yield
    db.session.execute(delete(table).where(table.c.id == masking))
