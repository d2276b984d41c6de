"""The tickets blueprint and what its views share: loading with access checks, form helpers.

Role profiles and pickers live in `pickers.py` (imported here for the views).
"""

from flask import Blueprint, abort
from flask_login import current_user

from app.auth.access import can_view_ticket
from app.auth.sessions import residents_looked_up
from app.tickets.models import Ticket
from app.tickets.pickers import (  # noqa: F401 - the views' helpers, in one import
    ROLE_FIELDS,
    Profile,
    equipment_warning_for,
    fill_pickers,
    paying_procedure_ids,
    procedure_label,
    profile_for,
    required_fields,
)
from app.tickets.queries import get_ticket


def new_blueprint() -> Blueprint:
    """An empty tickets blueprint; `views.build_blueprint` puts the pages on it (one per app)."""
    return Blueprint("tickets", __name__, url_prefix="/tickets")

# What a new ticket starts as. At the counter the status, the procedure and the device are the agent's to
# choose (issue 24): a rushed save records neither a closed visit nor a kiosk nobody chose. A 3975 call is
# logged once it is over (shown « Clos », changeable); a Facil'Familles request opens as one to work on.
# The outcome is always the agent's: a rushed save records no success nobody saw.
ROLE_DEFAULTS = {"counter_agent": {}, "operator_3975": {"status": "closed"}, "facil_familles": {"status": "open"}}


def _can_view(agent, ticket) -> bool:
    return can_view_ticket(agent, ticket, residents_looked_up())


def ticket_or_404(ticket_id: int, check=_can_view) -> Ticket:
    """The ticket, if the signed-in agent passes `check` (403 otherwise, audited by the error handler).

    By default: `can_view_ticket`, with the residents whose page the agent opened in this session.
    """
    ticket = get_ticket(ticket_id)
    if ticket is None:
        abort(404)
    if not check(current_user, ticket):
        abort(403)
    return ticket


KEPT_FIELDS = ("csrf_token", "version", "resident_id", "anonymous", "submission_token")


def keep_only(form, fields) -> None:
    """Remove the form fields a role does not see, so they are neither validated nor saved."""
    for name in [f.name for f in form]:
        if name not in fields and name not in KEPT_FIELDS:
            del form[name]


def attach_errors(form, problems: list[tuple[str, str]], fallback: list[str]) -> None:
    """Put each service problem on its form field; problems of fields not on the form go to `fallback`."""
    for field, message in problems:
        target = getattr(form, field, None)
        if target is not None and field not in ("version", "resident_id"):
            target.errors = list(target.errors) + [message]
        else:
            fallback.append(message)
