"""The contacts blueprint and the guards its views share."""

from functools import wraps

from flask import Blueprint, abort, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.access import can_edit_residents, can_view_residents
from app.contacts.forms import FIELD_TITLES
from app.contacts.normalise import display_phone


def new_blueprint() -> Blueprint:
    """An empty contacts blueprint with its templates' context; `views.build_blueprint` adds the pages."""
    bp = Blueprint("contacts", __name__, url_prefix="/contacts")
    bp.context_processor(_permissions)
    return bp

TICKET_ENDPOINTS = (("tickets.show", "ticket_id"), ("tickets.view", "ticket_id"), ("tickets.detail", "ticket_id"))


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


readers_only = _guard(can_view_residents)
editors_only = _guard(can_edit_residents)


def ticket_url(ticket) -> str | None:
    """The page of a ticket, once the tickets domain provides one."""
    for endpoint, arg in TICKET_ENDPOINTS:
        try:
            return url_for(endpoint, **{arg: ticket.id})
        except BuildError:
            continue
    return None


def _permissions():
    """What the contacts templates may offer to the signed-in agent."""
    return {"may_edit_residents": current_user.is_authenticated and can_edit_residents(current_user),
            "display_phone": display_phone, "field_labels": FIELD_TITLES}
