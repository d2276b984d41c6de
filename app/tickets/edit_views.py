"""Changing a ticket: edit (optimistic locking, reconcilable), status actions, transfer."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from app.auth.access import can_edit_ticket
from app.auth.current import request_actor
from app.channels.models import Channel, Device, Site
from app.channels.queries import get_by_id, list_active_channels, list_active_devices, list_active_sites
from app.extensions import db
from app.tickets.blueprint import (
    ROLE_FIELDS,
    attach_errors,
    fill_pickers,
    keep_only,
    paying_procedure_ids,
    ticket_or_404,
)
from app.tickets.checks import TicketError
from app.tickets.forms import StatusForm, TicketForm, TransferForm, choices
from app.tickets.labels import STATUS_LABELS
from app.tickets.reads import record_ticket_read
from app.tickets.services import StaleTicketError, conflicts_since, update_ticket
from app.tickets.workflow import change_status, transfer_ticket


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


def _edit_fields(ticket) -> list[str]:
    fields = [f for f in ROLE_FIELDS.get(current_user.role, ()) if f != "status"]
    if ticket.channel.requires_device and "device_id" not in fields:
        fields.append("device_id")
    if ticket.channel.requires_family_number and "family_number" not in fields:
        fields.insert(0, "family_number")
    return fields + ["payment_assisted", "protocol_confirmed"]


@login_required
def edit(ticket_id: int):
    """Edit a ticket. Saving over a newer version is refused and both versions are shown side by side."""
    ticket = ticket_or_404(ticket_id, can_edit_ticket)
    form = TicketForm(obj=ticket)
    if not form.is_submitted():
        form.version.data = ticket.version
        record_ticket_read(request_actor(), ticket, page="edit_form")
        db.session.commit()
    devices = [d for d in list_active_devices(ticket.site, include_id=ticket.device_id) if d.code != "none"]
    fill_pickers(form, devices, ticket.procedure_id, ticket.requested_procedure_id)
    fields = _edit_fields(ticket)
    keep_only(form, fields)
    conflicts, problems = [], []
    if form.validate_on_submit():
        values = form.service_values(fields)
        seen = _version(form)
        try:
            update_ticket(ticket, values, current_user, expected_version=seen, actor=request_actor())
            db.session.commit()
        except StaleTicketError as exc:
            db.session.rollback()
            conflicts, form.version.data = exc.conflicts, exc.current_version
        except StaleDataError:  # saved by someone else between our read and our write
            db.session.rollback()
            ticket = ticket_or_404(ticket_id, can_edit_ticket)
            conflicts, form.version.data = conflicts_since(ticket, seen, values), ticket.version
        except TicketError as exc:
            db.session.rollback()
            attach_errors(form, exc.problems, problems)
        else:
            flash(f"Ticket {ticket.reference} enregistré.", "success")
            return redirect(url_for("tickets.show", ticket_id=ticket.id))
    status = 409 if conflicts else (400 if form.errors or problems else 200)
    return render_template("tickets/edit.html", form=form, ticket=ticket, fields=fields, conflicts=conflicts,
                           problems=problems, paying_ids=paying_procedure_ids()), status


@login_required
def status(ticket_id: int):
    """A status button of the ticket page."""
    ticket = ticket_or_404(ticket_id, can_edit_ticket)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            change_status(ticket, form.status.data, current_user, outcome=form.outcome.data or None,
                          expected_version=_version(form), actor=request_actor())
            db.session.commit()
            flash(f"Ticket {ticket.reference} : {STATUS_LABELS[ticket.status]}.", "success")
        except StaleTicketError as exc:
            db.session.rollback()
            changed = ", ".join(f"{label} : {theirs}" for _f, label, theirs, _mine in exc.conflicts)
            flash(f"Ce ticket a été modifié entre-temps ({changed}). Vérifiez puis recommencez.", "error")
        except TicketError as exc:
            db.session.rollback()
            flash(" ".join(message for _f, message in exc.problems), "error")
    return redirect(url_for("tickets.show", ticket_id=ticket_id))


@login_required
def transfer(ticket_id: int):
    """Hand the ticket to another channel, site or service; the new ticket links back to this one."""
    ticket = ticket_or_404(ticket_id, can_edit_ticket)
    form = TransferForm(version=ticket.version, channel_id=ticket.channel_id, site_id=ticket.site_id)
    form.channel_id.choices = choices([(c.id, c.label) for c in list_active_channels()])
    form.site_id.choices = choices([(s.id, s.label) for s in list_active_sites()])
    devices = [(d.id, d.label) for d in list_active_devices() if d.code != "none"]
    form.device_id.choices = choices([("", "— choisi à l'accueil —")] + devices)
    problems: list[str] = []
    if form.validate_on_submit():
        channel, site = get_by_id(Channel, form.channel_id.data), get_by_id(Site, form.site_id.data)
        device = get_by_id(Device, form.device_id.data)
        try:
            if channel is None or site is None:
                raise TicketError([("channel_id" if channel is None else "site_id", "Choisissez le canal et le site.")])
            new = transfer_ticket(ticket, current_user, channel, site, device, form.note.data or None,
                                  expected_version=_version(form), actor=request_actor())
            db.session.commit()
        except StaleTicketError:
            db.session.rollback()
            problems.append("Ce ticket a été modifié entre-temps : rechargez la page avant de le transférer.")
        except TicketError as exc:
            db.session.rollback()
            attach_errors(form, exc.problems, problems)
        else:
            flash(f"Ticket transféré : le nouveau ticket {new.reference} suit le parcours.", "success")
            return redirect(url_for("tickets.show", ticket_id=ticket.id))
    return render_template("tickets/transfer.html", form=form, ticket=ticket, problems=problems), \
        400 if form.errors or problems else 200


def register(bp: Blueprint) -> None:
    """Put the edit, status and transfer pages on the tickets blueprint."""
    bp.add_url_rule("/<int:ticket_id>/edit", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule("/<int:ticket_id>/status", view_func=status, methods=["POST"])
    bp.add_url_rule("/<int:ticket_id>/transfer", view_func=transfer, methods=["GET", "POST"])
