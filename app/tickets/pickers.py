"""What a role's ticket form offers: its channel and site, the devices, procedures and demand pickers.

Read from the per-process reference snapshot (`app.channels.cache`), not from the database on each
request; the rows a request uses are attached to its session without a query, so the save's checks
(`ticket_values`, channel rules) find them in the session.
"""

import threading
from dataclasses import dataclass

from flask import abort

from app.auth.access import PAYMENT_ROLES, ROLE_CHANNEL
from app.channels.cache import attach, reference_snapshot
from app.channels.labels import owner_label
from app.channels.models import Channel, Device, Procedure, Site
from app.channels.rules import NO_DEVICE, equipment_warning
from app.tickets.forms import choices
from app.timeutil import paris_day, utcnow

# Form fields each role sees on a new ticket, in order (the first gets the focus).
ROLE_FIELDS = {
    "counter_agent": ("procedure_id", "device_id", "mode", "outcome", "digital_choice", "status",
                      "requested_procedure_id", "requested_service_text", "notes"),
    "operator_3975": ("procedure_id", "outcome", "status", "requested_procedure_id", "requested_service_text",
                      "notes"),
    "facil_familles": ("family_number", "procedure_id", "mode", "outcome", "status", "requested_procedure_id",
                       "requested_service_text", "notes"),
}

# Fields a role's new ticket cannot be saved without, checked by the form and named in its message: a counter
# facilitation is counted by procedure and device (the dashboards), every ticket by its status.
ROLE_REQUIRED = {
    "counter_agent": ("procedure_id", "device_id", "status"),
    "operator_3975": ("status",),
    "facil_familles": ("status",),
}


def required_fields(role: str, fields) -> tuple[str, ...]:
    """The fields of a role's new-ticket form the agent must choose (those of ROLE_REQUIRED it shows)."""
    return tuple(name for name in ROLE_REQUIRED.get(role, ()) if name in fields)


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
    if agent.role not in ROLE_CHANNEL:
        abort(403)
    snapshot = reference_snapshot()
    channel = snapshot.channels.get(ROLE_CHANNEL[agent.role])
    if channel is None:
        abort(403)
    site = channel.required_site or snapshot.sites.get(agent.site_id)
    if site is None and agent.role == "facil_familles":
        site = snapshot.site_by_code("facil-familles")
    if site is None:
        abort(403)
    channel, site = attach(channel), attach(site)
    devices = [d for d in site.devices if d.active and d.code != NO_DEVICE] if channel.requires_device else []
    return Profile(channel, site, devices, ROLE_FIELDS[agent.role], agent.role in PAYMENT_ROLES)


def equipment_warning_for(role: str, site: Site | None) -> str | None:
    """What stops an agent of `role` at `site` from logging a ticket (a counter without any device), or None."""
    code = ROLE_CHANNEL.get(role)
    channel = reference_snapshot().channels.get(code) if code else None
    return equipment_warning(channel, site) if channel is not None else None


def procedure_label(procedure: Procedure) -> str:
    return f"{procedure.label} ({owner_label(procedure.owner)}{', paiement' if procedure.involves_payment else ''})"


def _is_current(procedure: Procedure, day) -> bool:
    """Same rule as `channels.queries.procedure_is_current`: active, and `day` within its dates."""
    return (procedure.active and (procedure.active_from is None or procedure.active_from <= day)
            and (procedure.active_to is None or procedure.active_to >= day))


def _chosen_id(field) -> int | None:
    return field.data if isinstance(field.data, int) else None


# The procedure pickers of the latest snapshot, by (Paris day, procedures already chosen): the same lists
# for every form of the day, built once (labels formatted, choices made) instead of on every request.
_picker_lists: dict = {}
_picker_lists_lock = threading.Lock()


def _procedure_choices(snapshot, day, include_procedure: int | None, include_requested: int | None):
    key = (day, include_procedure, include_requested)
    cached = _picker_lists.get(key)
    if cached is not None and cached[0] is snapshot:
        return cached[1], cached[2]
    offered = [p for p in snapshot.procedures if (_is_current(p, day) or p.id == include_procedure)
               and (p.availability != "not_online" or p.id == include_procedure)]
    wanted = [p for p in snapshot.procedures if (_is_current(p, day) or p.id == include_requested)
              and (p.availability == "not_online" or p.id == include_requested)]
    procedures = choices([("", "— aucune —")] + [(p.id, procedure_label(p)) for p in offered])
    requested = choices([("", "— aucun —")] + [(p.id, p.label) for p in wanted])
    with _picker_lists_lock:
        if any(entry[0] is not snapshot for entry in _picker_lists.values()):
            _picker_lists.clear()  # the reference data changed: the lists of the old snapshot go
        _picker_lists[key] = (snapshot, procedures, requested)
    return procedures, requested


def fill_pickers(form, devices: list[Device], include_procedure: int | None = None,
                 include_requested: int | None = None) -> None:
    """Procedures active today; « not online » ones for the unmet demand; the site's devices.

    The procedures chosen in the submitted form are attached to the session for the save's checks.
    """
    snapshot = reference_snapshot()
    form.procedure_id.choices, form.requested_procedure_id.choices = _procedure_choices(
        snapshot, paris_day(utcnow()), include_procedure, include_requested)
    # No device chosen for the agent: the first of the list would be counted whatever was used.
    form.device_id.choices = choices([("", "— choisir —" if devices else "— aucun —")]
                                     + [(d.id, d.label) for d in devices])
    for field in (form.procedure_id, form.requested_procedure_id):
        attach(snapshot.procedure(_chosen_id(field)))


def paying_procedure_ids() -> list[int]:
    """Procedures involving a payment (the form shows the protocol with them)."""
    return [p.id for p in reference_snapshot().procedures if p.involves_payment]
