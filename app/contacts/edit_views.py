"""Residents: full create (duplicates first), quick create, edit with optimistic locking, merge."""

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.current import request_actor
from app.contacts.blueprint import editors_only
from app.contacts.duplicates import find_likely_duplicates
from app.contacts.forms import MergeForm, QuickCreateForm, ResidentForm
from app.contacts.merge import MERGE_FIELDS, MERGE_LABELS, default_choices, merge_residents
from app.contacts.models import Resident
from app.contacts.normalise import display_phone
from app.contacts.queries import (
    get_live_resident,
    get_resident,
    latest_change_id,
    resident_history,
    resident_tickets,
)
from app.contacts.reads import record_read
from app.contacts.services import (
    ResidentError,
    StaleResidentError,
    create_resident,
    quick_create_resident,
    update_resident,
)
from app.digits import ascii_int
from app.extensions import db
from app.web.redirects import safe_next


def _field_error(form, exc: ResidentError) -> None:
    target = getattr(form, exc.field, None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, exc.message]
    else:
        flash(exc.message, "error")


def _unconfirmed(duplicates, confirmed: str | None) -> list:
    """The likely duplicates the agent has not yet been shown (and confirmed past); showing them is audited."""
    seen = {part for part in (confirmed or "").split(",") if part}
    unconfirmed = [r for r in duplicates if str(r.id) not in seen]
    if unconfirmed:
        actor = request_actor()
        for resident in duplicates:
            record_read(actor, resident, "duplicates")
        db.session.commit()
    return unconfirmed


def _created(resident: Resident, next_path: str | None = None):
    db.session.commit()
    flash(f"Usager {resident.full_name} créé.", "success")
    if next_path:
        separator = "&" if "?" in next_path else "?"
        return redirect(next_path + separator + urlencode({"resident_id": resident.id}))
    return redirect(url_for("contacts.show", resident_id=resident.id))


@editors_only
def new():
    """The full record; likely duplicates are shown first, and creating anyway needs a confirmation."""
    form, duplicates = ResidentForm(), []
    if form.validate_on_submit():
        values = form.resident_values()
        duplicates = find_likely_duplicates(values)
        if not _unconfirmed(duplicates, form.confirm_duplicate.data):
            try:
                return _created(create_resident(values, current_user, actor=request_actor()))
            except ResidentError as exc:
                db.session.rollback()
                _field_error(form, exc)
        form.confirm_duplicate.data = ",".join(str(r.id) for r in duplicates)
    return render_template("contacts/form.html", form=form, resident=None, duplicates=duplicates,
                           display_phone=display_phone)


@editors_only
def quick():
    """A name plus one contact detail; returns to `next` (e.g. the ticket form) with `resident_id`."""
    form, duplicates = QuickCreateForm(), []
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")  # no contact detail from the URL: see telephony.new_caller
    elif form.validate():
        values = {"last_name": form.last_name.data, "first_name": form.first_name.data}
        contact = form.contact.data.strip()
        probe = {**values, "phone": contact, "email": contact, "account_ref": contact}
        duplicates = find_likely_duplicates(probe)
        if not _unconfirmed(duplicates, form.confirm_duplicate.data):
            try:
                resident = quick_create_resident(contact=contact, agent=current_user, actor=request_actor(),
                                                 **values)
                return _created(resident, safe_next(form.next.data))
            except ResidentError as exc:
                db.session.rollback()
                _field_error(form, exc)
        form.confirm_duplicate.data = ",".join(str(r.id) for r in duplicates)
    return render_template("contacts/quick.html", quick=form, duplicates=duplicates, display_phone=display_phone)


@editors_only
def edit(resident_id: int):
    """Edit; a save based on a stale version is refused, listing what was changed meanwhile."""
    resident = get_resident(resident_id) or abort(404)
    if resident.merged_into_id is not None:
        return redirect(url_for("contacts.edit", resident_id=get_live_resident(resident.id).id))
    form, stale = ResidentForm(obj=resident), []
    if not form.is_submitted():
        form.version.data, form.seen_change.data = resident.version, latest_change_id(resident.id)
        record_read(request_actor(), resident, "edit_form")
        db.session.commit()
    elif form.validate():
        try:
            changes = update_resident(resident, form.resident_values(), current_user,
                                      expected_version=_int(form.version.data),
                                      seen_change_id=_int(form.seen_change.data) or 0, actor=request_actor())
            db.session.commit()
            flash("Modifications enregistrées." if changes else "Aucune modification.", "success")
            return redirect(url_for("contacts.show", resident_id=resident.id))
        except StaleResidentError as exc:
            db.session.rollback()
            stale = exc.changes
            resident = get_resident(resident_id)
            form.version.data, form.seen_change.data = resident.version, latest_change_id(resident.id)
        except ResidentError as exc:
            db.session.rollback()
            _field_error(form, exc)
    return render_template("contacts/form.html", form=form, resident=resident, duplicates=[], stale=stale,
                           display_phone=display_phone)


def _int(value) -> int | None:
    return value if isinstance(value, int) else ascii_int(value)


@editors_only
def merge_pick(resident_id: int):
    """Go to the merge screen for the record number typed on the resident page."""
    other_id = _int(request.args.get("other"))
    if other_id is None or get_resident(other_id) is None:
        flash("Numéro de fiche inconnu : indiquez le numéro de la fiche à fusionner.", "error")
        return redirect(url_for("contacts.show", resident_id=resident_id))
    return redirect(url_for("contacts.merge", resident_id=resident_id, other_id=other_id))


@editors_only
def merge(resident_id: int, other_id: int):
    """Field by field, choose which value survives; the other record's tickets and history move here."""
    survivor = get_resident(resident_id) or abort(404)
    other = get_resident(other_id) or abort(404)
    form = MergeForm()
    if form.validate_on_submit():
        choices = {f: request.form.get(f"choice-{f}") for f in MERGE_FIELDS}
        try:
            result = merge_residents(survivor, other, choices, current_user, actor=request_actor())
            db.session.commit()
            flash(f"Fiches fusionnées : {len(result['tickets'])} ticket(s) rattaché(s) à cette fiche.", "success")
            return redirect(url_for("contacts.show", resident_id=survivor.id))
        except ResidentError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("contacts.show", resident_id=get_live_resident(resident_id).id))
    if survivor.id == other.id or survivor.merged_into_id or other.merged_into_id:
        flash("Ces fiches ne peuvent pas être fusionnées (même fiche, ou l'une est déjà fusionnée).", "error")
        return redirect(url_for("contacts.show", resident_id=get_live_resident(resident_id).id))
    actor = request_actor()
    for resident in (survivor, other):
        record_read(actor, resident, "merge")
    db.session.commit()
    return render_template("contacts/merge.html", form=form, survivor=survivor, other=other, fields=MERGE_FIELDS,
                           labels=MERGE_LABELS, choices=default_choices(survivor, other),
                           counts={r.id: len(resident_tickets(r.id)) for r in (survivor, other)},
                           histories={r.id: len(resident_history(r.id)) for r in (survivor, other)},
                           display_phone=display_phone)


def register(bp: Blueprint) -> None:
    """Put the create, edit and merge pages on the contacts blueprint."""
    bp.add_url_rule("/new", view_func=new, methods=["GET", "POST"])
    bp.add_url_rule("/quick", view_func=quick, methods=["GET", "POST"])
    bp.add_url_rule("/<int:resident_id>/edit", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule("/<int:resident_id>/merge", view_func=merge_pick, methods=["GET"])
    bp.add_url_rule("/<int:resident_id>/merge/<int:other_id>", view_func=merge, methods=["GET", "POST"])
