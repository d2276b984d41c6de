"""Ticket pages: new ticket per role, detail with history and status actions, edit, transfer.

Lists and exports: `list_views.py`, `export_views.py`; import: `import_views.py`.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.access import (
    can_create_ticket,
    can_edit_ticket,
    can_see_family_number,
    can_see_ticket_notes,
    reads_another_channel,
)
from app.auth.current import request_actor
from app.auth.sessions import residents_looked_up
from app.contacts.labels import namesake_hints
from app.contacts.queries import FoundResident, SearchQueryError, found_live_resident
from app.contacts.reads import record_read, search_for
from app.digits import ascii_int
from app.extensions import db
from app.telephony.services import attach_ticket, call_to_log, ticket_values_for_call
from app.tickets import edit_views, export_views, import_views, list_views
from app.tickets.blueprint import (
    ROLE_DEFAULTS,
    attach_errors,
    equipment_warning_for,
    fill_pickers,
    keep_only,
    new_blueprint,
    paying_procedure_ids,
    profile_for,
    required_fields,
    ticket_or_404,
)
from app.tickets.checks import TicketError
from app.tickets.forms import FindResidentForm, StatusForm, TicketForm
from app.tickets.labels import change_lines, display_value, kind_label, procedure_owner
from app.tickets.queries import journey, ticket_events
from app.tickets.reads import record_ticket_read
from app.tickets.submissions import form_token, log_ticket_once, submitted_ticket
from app.tickets.workflow import ACTION_LABELS, allowed_transitions


def _resident_from_args() -> FoundResident | None:
    """The live resident of `?resident_id=` (followed to the survivor of a merge) as a row; 404 if none."""
    resident_id = ascii_int(request.values.get("resident_id", ""))
    if resident_id is None:
        return None
    resident = found_live_resident(resident_id)
    if resident is None:
        abort(404)
    return resident


def _find_resident_page(profile):
    """No resident chosen yet: search (one match opens the form at once) or start an anonymous ticket."""
    # The page posts its search: a name or a phone number never travels in a URL (nor the access log), so a
    # GET ?q= is not read.
    finder = FindResidentForm(request.form if request.method == "POST" else None)
    results, error = [], None
    q = (finder.q.data or "").strip()
    if q:
        try:
            results = search_for(request_actor(), q, "ticket_form")
        except SearchQueryError as exc:
            error = exc.message
        db.session.commit()
        if len(results) == 1:
            return redirect(url_for("tickets.new", resident_id=results[0].id))
    return render_template("tickets/find_resident.html", finder=finder, results=results, error=error, q=q,
                           profile=profile, hints=namesake_hints(results))


@login_required
def new():
    """Log a ticket: channel and site fixed by the role; the first field has the focus, Enter saves."""
    profile = profile_for(current_user)
    if not can_create_ticket(current_user, profile.channel.code, profile.site.id):
        abort(403)
    warning = equipment_warning_for(current_user.role, profile.site)
    if warning:  # said before anything is typed: no ticket could be saved here
        return render_template("tickets/no_equipment.html", profile=profile, warning=warning), 409
    resident = _resident_from_args()
    anonymous = request.values.get("anonymous") in ("1", "y", "on")
    if resident is None and not anonymous:
        return _find_resident_page(profile)
    defaults = dict(ROLE_DEFAULTS[current_user.role])
    if resident is not None and resident.family_number:
        defaults["family_number"] = resident.family_number
    # The token belongs to this rendering of the form, and is in its URL (`?form=`): Back after a save shows
    # the same rendering again, whose token is spent (static/js/tickets.js puts it in the address bar).
    token = form_token(request.args.get("form"))
    form = TicketForm(data=defaults | {"submission_token": token})
    fill_pickers(form, profile.devices)
    fields = list(profile.fields) + (["payment_assisted", "protocol_confirmed"] if profile.payment else [])
    keep_only(form, fields)
    form.require(required_fields(current_user.role, fields))
    getattr(form, profile.fields[0]).render_kw = {"autofocus": True}
    problems: list[str] = []
    if form.is_submitted():
        refused = not form.validate()
        values = {} if refused else form.service_values(fields) | {
            "channel_id": profile.channel.id, "site_id": profile.site.id, "anonymous": resident is None,
            "resident_id": resident.id if resident else None}
        call = call_to_log(request.args.get("call"), current_user)  # logged from the caller's panel
        if call is not None and not refused:
            values = ticket_values_for_call(call, values)
        try:
            ticket, created = log_ticket_once(values, current_user, form.submission_token.data,
                                              actor=request_actor(), refused=refused)
        except TicketError as exc:
            db.session.rollback()
            attach_errors(form, exc.problems, problems)
        else:
            if not created:  # the same form posted again (a retry, Back then save): nothing new is saved
                flash(f"Ce formulaire avait déjà été enregistré : ticket {ticket.reference}. Il n'a pas été "
                      "créé une seconde fois.", "info")
                return redirect(url_for("tickets.show", ticket_id=ticket.id))
            if call is not None:
                attach_ticket(call, ticket)
            saved = {"ticket_id": ticket.id, "reference": ticket.reference, "resident_id": ticket.resident_id}
            db.session.commit()  # read before: the commit expires the objects (no reload after it)
            flash(f"Ticket {saved['reference']} enregistré.", "success")
            if saved["resident_id"] is not None:
                return redirect(url_for("contacts.show", resident_id=saved["resident_id"]))
            return redirect(url_for("tickets.show", ticket_id=saved["ticket_id"]))
    if resident is not None:
        record_read(request_actor(), resident, "ticket_form")
        db.session.commit()
    saved = submitted_ticket(token) if request.method == "GET" and request.args.get("form") else None
    form_url = url_for("tickets.new", **{k: v for k, v in request.args.items() if k != "form"}, form=token)
    return render_template("tickets/new.html", form=form, fields=fields, profile=profile, resident=resident,
                           problems=problems, paying_ids=paying_procedure_ids(), saved=saved,
                           form_url=form_url), 400 if form.errors else 200


@login_required
def show(ticket_id: int):
    """A ticket, its journey across channels and its history; status actions for those who may edit."""
    ticket = ticket_or_404(ticket_id)
    via_resident = reads_another_channel(current_user, ticket)  # allowed only from the resident's page
    record_ticket_read(request_actor(), ticket, via_resident=via_resident)
    db.session.commit()
    editable = can_edit_ticket(current_user, ticket)
    actions = [(status, ACTION_LABELS[status], StatusForm(status=status, version=ticket.version))
               for status in allowed_transitions(ticket.status)] if editable else []
    return render_template("tickets/show.html", ticket=ticket, events=ticket_events(ticket.id),
                           journey=journey(ticket), actions=actions, editable=editable,
                           show_notes=can_see_ticket_notes(current_user, ticket, residents_looked_up()),
                           show_family=can_see_family_number(current_user), display_value=display_value,
                           change_lines=change_lines, kind_label=kind_label, procedure_owner=procedure_owner)


def register(bp: Blueprint) -> None:
    """Put the new-ticket and ticket pages on the tickets blueprint."""
    bp.add_url_rule("/new", view_func=new, methods=["GET", "POST"])
    bp.add_url_rule("/<int:ticket_id>", view_func=show)


def build_blueprint() -> Blueprint:
    """The tickets blueprint with every ticket page: these, the lists and export, the import, the edit.

    A new one for each app: a blueprint takes no more routes once an app has registered it.
    """
    bp = new_blueprint()
    register(bp)
    edit_views.register(bp)
    import_views.register(bp)
    export_views.register(bp)
    list_views.register(bp)
    return bp
