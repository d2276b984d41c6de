"""One-time submission tokens: a ticket form posted twice (retry after an error, back then resend) logs once.

The form carries a random token; the ticket it creates records it (`tickets.submission_token`, a unique
index: the database refuses a second ticket of the same form even when two posts race). Nothing is read
before the save: the ticket's INSERT decides (ON CONFLICT DO NOTHING on that index, no savepoint), and
only a refused post reads the ticket the token already created, which it gives back. A ticket
created is audited (`ticket.create`).
"""

import re
import secrets

from app.audit.actor import Actor
from app.audit.services import record
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.models import Ticket
from app.tickets.services import log_ticket, log_ticket_unless_submitted

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_token() -> str:
    """A fresh token for a ticket form."""
    return secrets.token_urlsafe(24)


def form_token(given: str | None) -> str:
    """The token of a form rendering: the one of its URL when well formed (Back, a refused post), else a new one."""
    return given if given and _TOKEN.match(given) else new_submission_token()


def submitted_ticket(token: str | None) -> Ticket | None:
    """The ticket a form with this token already created, if any."""
    if not token or not _TOKEN.match(token):
        return None
    return db.session.execute(db.select(Ticket).where(Ticket.submission_token == token)).scalar_one_or_none()


def log_ticket_once(values: dict, agent, token: str | None, *, actor: Actor | None = None,
                    refused: bool = False) -> tuple[Ticket, bool]:
    """`log_ticket`, unless a form with this token already created a ticket: returns (ticket, created).

    Without a well-formed token it is plain `log_ticket`. Raises TicketError like `log_ticket` (unless the
    token's ticket exists: a form already saved is given back whatever its second post says). A new ticket
    is audited for `actor` (who and from where), by default `agent` with no address.
    `refused`: the form itself refused the post (its fields say why): a form already saved is still given
    back (Back after a save shows it again, emptied or not), otherwise TicketError with no further problem.
    """
    if refused:
        earlier = submitted_ticket(token)
        if earlier is None:
            raise TicketError([])
        return earlier, False
    if not token or not _TOKEN.match(token):
        ticket = log_ticket(values, agent)
    else:
        try:
            # The ticket with its token, or nothing: a post racing the same form's other post waits on the
            # unique index for that one's commit, then writes nothing.
            ticket = log_ticket_unless_submitted(values | {"submission_token": token}, agent)
        except TicketError:
            earlier = submitted_ticket(token)  # a form already saved, posted again with a refused change
            if earlier is None:
                raise
            return earlier, False
        if ticket is None:
            earlier = submitted_ticket(token)
            if earlier is None:  # its ticket was deleted between the two statements: the post can be sent again
                raise TicketError([("submission_token", "Ce formulaire vient d'être traité par ailleurs : "
                                                        "renvoyez-le pour enregistrer le ticket.")])
            return earlier, False
    record("ticket.create", actor or Actor(agent), object_type="ticket", object_id=ticket.id,
           resident_id=ticket.resident_id, detail={"reference": ticket.reference})
    return ticket, True
