"""Training pages: "Mon livret de formation", agents' records for managers and admins, recording a session.

Admin screens (modules, requirements, sites' policies, import): `admin_views.py`.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.audit.services import record
from app.auth.access import TRAINING_SUPERVISORS, can_manage_training, can_view_training_of
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels.queries import list_active_sites
from app.digits import ascii_int
from app.extensions import db
from app.training import admin_views
from app.training.blueprint import (
    agent_or_404,
    livret_context,
    module_choices,
    new_blueprint,
    today,
)
from app.training.forms import RecordForm
from app.training.labels import STATUS_LABELS
from app.training.queries import (
    agents_in_scope,
    expiring_trainings,
    get_module_by_code,
    list_modules,
    statuses_by_agent,
)
from app.training.services import TrainingError, record_training


def training_status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status, "non formé") if status else "non formé"


@login_required
def my_record():
    """The signed-in agent's own livret."""
    return render_template("training/livret.html", own=True, **livret_context(current_user))


@role_required(*TRAINING_SUPERVISORS)
def agents():
    """Agents who log tickets with each module's status; the trainings expiring within 30 days or expired."""
    sites = list_active_sites()
    site_id = ascii_int(request.args.get("site"))
    if site_id not in {site.id for site in sites}:
        site_id = None  # an unknown site (a stale or typed URL) shows every site
    people = agents_in_scope(site_id)
    day = today()
    site_ids = [site_id] if site_id else None
    reminders = expiring_trainings(day, 30, site_ids=site_ids)
    record("training.read", request_actor(), object_type="training_records", object_id="list",
           detail={"site_id": site_id, "agents": len(people)})
    db.session.commit()
    return render_template("training/agents.html", people=people, modules=list_modules(active_only=True),
                           statuses=statuses_by_agent([a.id for a in people], day), reminders=reminders,
                           sites=sites, site_id=site_id)


@role_required(*TRAINING_SUPERVISORS)
def agent(agent_id):
    """An agent's livret; admins record a session here."""
    person = agent_or_404(agent_id)
    if not can_view_training_of(current_user, person):
        abort(403)
    form = RecordForm()
    form.module.choices = module_choices()
    if request.method == "POST":
        if not can_manage_training(current_user):
            abort(403)
        if form.validate_on_submit():
            try:
                _row, created = record_training(person, get_module_by_code(form.module.data), form.trained_on.data,
                                                form.trainer.data, source="form", by=current_user,
                                                actor=request_actor())
                db.session.commit()
                flash("Session enregistrée." if created else "Cette session était déjà enregistrée.", "success")
                return redirect(url_for("training.agent", agent_id=person.id), code=303)
            except TrainingError as exc:
                db.session.rollback()
                getattr(form, exc.field, form.trained_on).errors = [exc.message]
    else:
        record("training.read", request_actor(), object_type="agent", object_id=person.id,
               detail={"fields": ["training_records"]})
        db.session.commit()
    return render_template("training/livret.html", own=False, form=form, **livret_context(person)), \
        400 if form.errors else 200


def register(bp: Blueprint) -> None:
    """Put the livret and agents pages (and the status filter) on the training blueprint."""
    bp.add_app_template_filter(training_status_label, "training_status")
    bp.add_url_rule("/", view_func=my_record)
    bp.add_url_rule("/agents", view_func=agents)
    bp.add_url_rule("/agents/<int:agent_id>", view_func=agent, methods=["GET", "POST"])


def build_blueprint() -> Blueprint:
    """The training blueprint with every training page: livrets here, the admin's pages.

    A new one for each app: a blueprint takes no more routes once an app has registered it.
    """
    bp = new_blueprint()
    register(bp)
    admin_views.register(bp)
    return bp
