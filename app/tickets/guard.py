"""Last line of defence: no card number in a ticket's free text reaches the database.

Services and the import already refuse them with a message naming the field; this `before_flush`
listener catches any other code path that sets a Ticket's text on an ORM object. The error names the
field, never the value, so nothing ends up in the logs.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.tickets.checks import TEXT_LIMITS, TicketError, card_number_problems
from app.tickets.models import Ticket


class CardNumberError(TicketError):
    """A card number was about to be written to a ticket."""


@event.listens_for(Session, "before_flush")
def refuse_card_numbers(session, _flush_context, _instances) -> None:
    """Raise CardNumberError when a new or changed Ticket holds a card number in a free-text field."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Ticket):
            problems = card_number_problems({field: getattr(obj, field) for field in TEXT_LIMITS})
            if problems:
                raise CardNumberError(problems)
