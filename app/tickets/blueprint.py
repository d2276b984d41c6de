"""The tickets blueprint and what its views share: role profiles, pickers, loading with access checks."""

from dataclasses import dataclass

from flask import Blueprint, abort
from flask_login import current_user

from app.auth.access import TICKET_ROLES, can_view_ticket
from app.auth.sessions import residents_looked_up
from app.channels.labels import owner_label
from app.channels.models import Channel, Device, Procedure, Site
from app.channels.queries import get_by_code, list_active_devices, list_active_procedures
from app.channels.rules import equipment_warning
from app.extensions import db
from app.tickets.forms import choices
from app.tickets.models import Ticket

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

LIST_ROLES = TICKET_ROLES + ("manager",)

# Form fields each role sees on a new ticket, in order (the first gets the focus).
ROLE_FIELDS = {
    "counter_agent": ("procedure_id", "device_id", "mode", "outcome", "digital_choice", "status",
                      "requested_procedure_id", "requested_service_text", "notes"),
    "operator_3975": ("procedure_id", "outcome", "status", "requested_procedure_id", "requested_service_text",
                      "notes"),
    "facil_familles": ("family_number", "procedure_id", "mode", "outcome", "status", "requested_procedure_id",
                       "requested_service_text", "notes"),
}
# Roles whose procedures may include an assisted payment (never on the phone).
PAYMENT_ROLES = ("counter_agent", "facil_familles")
ROLE_CHANNEL_CODE = {"counter_agent": "counter", "operator_3975": "phone_3975", "facil_familles": "facil_familles"}
# What a new ticket starts as: a counter visit or a call is usually dealt with at once. The outcome is
# the agent's to choose: a rushed save records no success nobody saw.
ROLE_DEFAULTS = {"counter_agent": {"status": "closed"},
                 "operator_3975": {"status": "closed"},
                 "facil_familles": {"status": "open"}}


@dataclass
class Profile:
    """Where a role's new tickets go: fixed channel and site, the devices offered, the fields shown."""

    channel: Channel
    site: Site
    devices: list[Device]
    fields: tuple[str, ...]
    payment: bool


def profile_for(agent) -> Profile:
    """The role's channel and site (home site for counters, the channel's required site for 3975). 403 if none."""
    if agent.role not in ROLE_CHANNEL_CODE:
        abort(403)
    channel = get_by_code(Channel, ROLE_CHANNEL_CODE[agent.role])
    if channel is None:
        abort(403)
    site = channel.required_site or agent.site
    if site is None and agent.role == "facil_familles":
        site = get_by_code(Site, "facil-familles")
    if site is None:
        abort(403)
    devices = [d for d in list_active_devices(site) if d.code != "none"] if channel.requires_device else []
    return Profile(channel, site, devices, ROLE_FIELDS[agent.role], agent.role in PAYMENT_ROLES)


def equipment_warning_for(role: str, site: Site | None) -> str | None:
    """What stops an agent of `role` at `site` from logging a ticket (a counter without any device), or None."""
    code = ROLE_CHANNEL_CODE.get(role)
    channel = get_by_code(Channel, code) if code else None
    return equipment_warning(channel, site) if channel is not None else None


def procedure_label(procedure: Procedure) -> str:
    return f"{procedure.label} ({owner_label(procedure.owner)}{', paiement' if procedure.involves_payment else ''})"


def fill_pickers(form, devices: list[Device], include_procedure: int | None = None,
                 include_requested: int | None = None) -> None:
    """Procedures active today; « not online » ones for the unmet demand; the site's devices."""
    procedures = list_active_procedures(include_id=include_procedure)
    offered = [p for p in procedures if p.availability != "not_online" or p.id == include_procedure]
    form.procedure_id.choices = choices([("", "— aucune —")] + [(p.id, procedure_label(p)) for p in offered])
    wanted = [p for p in list_active_procedures(include_id=include_requested)
              if p.availability == "not_online" or p.id == include_requested]
    form.requested_procedure_id.choices = choices([("", "— aucun —")] + [(p.id, p.label) for p in wanted])
    form.device_id.choices = choices([(d.id, d.label) for d in devices] or [("", "— aucun —")])


def paying_procedure_ids() -> list[int]:
    """Procedures involving a payment (the form shows the protocol with them)."""
    return list(db.session.execute(db.select(Procedure.id).where(Procedure.involves_payment.is_(True))).scalars())


def _can_view(agent, ticket) -> bool:
    return can_view_ticket(agent, ticket, residents_looked_up())


def ticket_or_404(ticket_id: int, check=_can_view) -> Ticket:
    """The ticket, if the signed-in agent passes `check` (403 otherwise, audited by the error handler).

    By default: `can_view_ticket`, with the residents whose page the agent opened in this session.
    """
    ticket = db.session.get(Ticket, ticket_id)
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
