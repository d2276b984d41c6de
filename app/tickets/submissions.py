"""One-time submission tokens: a ticket form posted twice (retry after an error, back then resend) logs once.

The form carries a random token; the ticket it creates records it in `ticket_submissions` (primary key:
the database refuses a second row even when two posts race). A token already used gives back its ticket.
"""

import re
import secrets

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.tickets.import_models import TicketSubmission
from app.tickets.models import Ticket
from app.tickets.services import log_ticket

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_token() -> str:
    """A fresh token for a ticket form."""
    return secrets.token_urlsafe(24)


def submitted_ticket(token: str | None) -> Ticket | None:
    """The ticket a form with this token already created, if any."""
    if not token or not _TOKEN.match(token):
        return None
    submission = db.session.get(TicketSubmission, token)
    return db.session.get(Ticket, submission.ticket_id) if submission is not None else None


def log_ticket_once(values: dict, agent, token: str | None) -> tuple[Ticket, bool]:
    """`log_ticket`, unless a form with this token already created a ticket: returns (ticket, created).

    Without a well-formed token it is plain `log_ticket`. Raises TicketError like `log_ticket`.
    """
    earlier = submitted_ticket(token)
    if earlier is not None:
        return earlier, False
    if not token or not _TOKEN.match(token):
        return log_ticket(values, agent), True
    try:
        with db.session.begin_nested():  # the ticket and its token, or neither
            ticket = log_ticket(values, agent)
            db.session.add(TicketSubmission(token=token, ticket_id=ticket.id))
            db.session.flush()
    except IntegrityError:
        # The same form's other post won the race (the key waited for its commit): give back its ticket.
        earlier = submitted_ticket(token)
        if earlier is None:
            raise
        return earlier, False
    return ticket, True
