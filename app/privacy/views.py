"""Privacy pages, for admins: right of access, anonymisation, retention settings and run."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.current import request_actor
from app.auth.guards import role_required
from app.contacts.models import Resident
from app.contacts.queries import get_resident
from app.contacts.reads import record_search, without_lone_surrogates
from app.extensions import db
from app.privacy.export import export_resident
from app.privacy.forms import AnonymiseForm, ResidentLookupForm, RetentionSettingsForm, RunRetentionForm
from app.privacy.present import readable_export
from app.privacy.queries import find_residents
from app.privacy.retention import apply_retention
from app.privacy.services import AnonymisationError, anonymise_resident
from app.privacy.settings import SPECS, all_settings, set_setting

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _resident_or_404(resident_id: int) -> Resident:
    resident = get_resident(resident_id)
    if resident is None:
        abort(404)
    return resident


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    """Find the resident a request is about (the search is posted: nothing personal in the URL)."""
    form = ResidentLookupForm()
    residents = None
    if form.validate_on_submit():
        residents = find_residents(without_lone_surrogates(form.q.data))
        record_search(request_actor(), form.q.data, residents, "privacy")
        db.session.commit()
    status = 400 if form.errors else 200
    return render_template("privacy/index.html", form=form, residents=residents), status


@bp.route("/residents/<int:resident_id>")
@role_required("admin")
def resident(resident_id):
    """Everything held about one resident, as a readable page (audited as an export)."""
    row = _resident_or_404(resident_id)
    data = readable_export(export_resident(row, request_actor(), "html"))
    db.session.commit()
    return render_template("privacy/resident.html", resident=row, data=data, anonymise_form=AnonymiseForm())


@bp.route("/residents/<int:resident_id>/export.json")
@role_required("admin")
def resident_json(resident_id):
    """Everything held about one resident, as a JSON download (audited)."""
    row = _resident_or_404(resident_id)
    data = export_resident(row, request_actor(), "json")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="usager-{row.id}-droit-acces.json"'})


@bp.route("/residents/<int:resident_id>/anonymise", methods=["GET", "POST"])
@role_required("admin")
def anonymise(resident_id):
    """Confirm, then anonymise a resident (cannot be undone)."""
    row = _resident_or_404(resident_id)
    form = AnonymiseForm()
    error = None
    if form.validate_on_submit():
        try:
            anonymise_resident(row, current_user, reason=form.reason.data, actor=request_actor())
        except AnonymisationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"L'usager n° {row.id} a été anonymisé.", "success")
            return redirect(url_for("privacy.resident", resident_id=row.id))
    status = 400 if (form.errors or error) else 200
    return render_template("privacy/anonymise.html", resident=row, form=form, error=error), status


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def settings():
    """The retention periods (audit trail, inactive residents, ticket notes)."""
    form = RetentionSettingsForm(data=all_settings() if request.method == "GET" else None)
    if form.validate_on_submit():
        actor = request_actor()
        changed = [key for key in SPECS if set_setting(key, form[key].data, current_user, actor=actor)]
        db.session.commit()
        flash("Durées de conservation enregistrées." if changed else "Aucune modification.", "success")
        return redirect(url_for("privacy.settings"))
    status = 400 if form.errors else 200
    return render_template("privacy/settings.html", form=form, keys=list(SPECS)), status


@bp.route("/retention", methods=["GET", "POST"])
@role_required("admin")
def retention():
    """What the retention job would do now (dry run), and a button to apply it."""
    form = RunRetentionForm()
    if form.validate_on_submit():
        plan = apply_retention(dry_run=False, actor=request_actor())
        db.session.commit()
        flash(f"{len(plan.residents)} usager(s) anonymisé(s), notes de {len(plan.note_ticket_ids)} ticket(s) "
              "effacées.", "success")
        return redirect(url_for("privacy.retention"))
    plan = apply_retention(dry_run=True)
    return render_template("privacy/retention.html", plan=plan, form=form, settings=all_settings(), specs=SPECS)
