"""The "agent non formé" flag of tickets saved without the checks of one save (bulk loads), set afresh.

`save_checks` and the import set the flag as they save; data loaded in bulk before its agents' training
was recorded (the pilot data set) asks for it here once the training is known.
"""

from sqlalchemy import bindparam, update

from app.channels.models import Procedure
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import paris_day
from app.training.rules import load_rules, training_verdict

CHUNK = 2000


def refresh_untrained_flags(*where) -> int:
    """Recompute `untrained_agent` of the tickets matching `where` (a missing module flags the ticket,
    whatever the site's policy: the ticket exists). Returns how many flags changed."""
    rules = load_rules()
    procedures = {p.id: p for p in db.session.execute(db.select(Procedure)).scalars()}
    rows = db.session.execute(db.select(Ticket.id, Ticket.agent_id, Ticket.site_id, Ticket.channel_id,
                                        Ticket.procedure_id, Ticket.payment_assisted, Ticket.opened_at,
                                        Ticket.untrained_agent).where(*where).order_by(Ticket.id)).all()
    changes = []
    for row in rows:
        verdict = training_verdict(rules, agent_id=row.agent_id, site_id=row.site_id, channel_id=row.channel_id,
                                   procedure=procedures.get(row.procedure_id), payment_assisted=row.payment_assisted,
                                   day=paris_day(row.opened_at))
        flagged = bool(verdict.missing)
        if flagged != bool(row.untrained_agent):
            changes.append({"tid": row.id, "flag": flagged})
    statement = (update(Ticket.__table__).where(Ticket.__table__.c.id == bindparam("tid"))
                 .values(untrained_agent=bindparam("flag")))
    for start in range(0, len(changes), CHUNK):
        db.session.connection().execute(statement, changes[start:start + CHUNK])
    return len(changes)
