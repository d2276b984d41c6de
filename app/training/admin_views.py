"""Admin screens of training: modules, requirements, sites' policies, import of sessions."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels.models import Channel, Procedure, Site
from app.channels.queries import get_by_code, get_by_id, list_active_channels, list_active_procedures
from app.extensions import db
from app.training.blueprint import module_choices
from app.training.forms import ImportForm, ModuleForm, RequirementForm, SitePolicyForm, choices
from app.training.importing import import_training
from app.training.labels import POLICY_LABELS
from app.training.queries import (
    get_module,
    get_module_by_code,
    get_requirement,
    list_modules,
    list_requirements,
    requirement_labels,
    site_policies,
)
from app.training.services import (
    TrainingError,
    add_requirement,
    create_module,
    remove_requirement,
    set_site_policy,
    update_module,
)

SHOWN_ERRORS = 500


@role_required("admin")
def modules():
    return render_template("training/modules.html", modules=list_modules())


@role_required("admin")
def edit_module(module_id=None):
    module = get_module(module_id) if module_id else None
    if module_id and module is None:
        abort(404)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        values = {"title": form.title.data, "description": form.description.data,
                  "validity_months": form.validity_months.data, "active": form.active.data}
        try:
            if module is None:
                create_module(form.code.data, values, by=current_user, actor=request_actor())
            else:
                update_module(module, values, by=current_user, actor=request_actor())
            db.session.commit()
            flash("Module enregistré.", "success")
            return redirect(url_for("training.modules"), code=303)
        except TrainingError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [exc.message]
    return render_template("training/module_form.html", form=form, module=module), 400 if form.errors else 200


def _requirement_form() -> RequirementForm:
    form = RequirementForm()
    form.module.choices = module_choices()
    form.procedure.choices = choices([("", "—")] + [(p.code, p.label) for p in list_active_procedures()])
    form.channel.choices = choices([("", "—")] + [(c.code, c.label) for c in list_active_channels()])
    return form


@role_required("admin")
def requirements():
    """The modules each scope requires; add one."""
    form = _requirement_form()
    if form.validate_on_submit():
        procedure = get_by_code(Procedure, form.procedure.data) if form.procedure.data else None
        channel = get_by_code(Channel, form.channel.data) if form.channel.data else None
        try:
            _row, created = add_requirement(get_module_by_code(form.module.data), form.scope.data, procedure=procedure,
                                            channel=channel, by=current_user, actor=request_actor())
            db.session.commit()
            flash("Exigence ajoutée." if created else "Cette exigence existait déjà.", "success")
            return redirect(url_for("training.requirements"), code=303)
        except TrainingError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [exc.message]
    rows = [(r, requirement_labels(r)) for r in list_requirements()]
    return render_template("training/requirements.html", form=form, rows=rows), 400 if form.errors else 200


@role_required("admin")
def delete_requirement(requirement_id):
    requirement = get_requirement(requirement_id) or abort(404)
    remove_requirement(requirement, by=current_user, actor=request_actor())
    db.session.commit()
    flash("Exigence retirée.", "success")
    return redirect(url_for("training.requirements"), code=303)


@role_required("admin")
def sites():
    """What each site does with a ticket whose agent lacks a required module (payment: always refused)."""
    form = SitePolicyForm()
    policies = site_policies()
    form.site.choices = choices((str(site.id), site.label) for site, _policy in policies)
    if form.validate_on_submit():
        site = get_by_id(Site, int(form.site.data))
        changed = set_site_policy(site, form.on_missing.data, by=current_user, actor=request_actor())
        db.session.commit()
        flash(f"{site.label} : règle enregistrée." if changed else f"{site.label} : règle inchangée.", "success")
        return redirect(url_for("training.sites"), code=303)
    return render_template("training/sites.html", form=form, policies=policies, policy_labels=POLICY_LABELS), 400 if form.errors else 200


@role_required("admin")
def upload():
    """Upload a CSV of sessions; every problem is listed and nothing is imported until none is left."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = import_training(form.file.data.read(), by=current_user, dry_run=form.dry_run.data,
                                 actor=request_actor())
        if result.ok and not result.dry_run:
            db.session.commit()
        else:
            db.session.rollback()
    status = 400 if form.errors or (result is not None and not result.ok) else 200
    return render_template("training/import.html", form=form, result=result, shown=SHOWN_ERRORS), status


def register(bp: Blueprint) -> None:
    """Put the modules, requirements, sites and import pages on the training blueprint."""
    bp.add_url_rule("/modules", view_func=modules)
    bp.add_url_rule("/modules/new", view_func=edit_module, methods=["GET", "POST"])
    bp.add_url_rule("/modules/<int:module_id>", view_func=edit_module, methods=["GET", "POST"])
    bp.add_url_rule("/requirements", view_func=requirements, methods=["GET", "POST"])
    bp.add_url_rule("/requirements/<int:requirement_id>/delete", view_func=delete_requirement, methods=["POST"])
    bp.add_url_rule("/sites", view_func=sites, methods=["GET", "POST"])
    bp.add_url_rule("/import", view_func=upload, methods=["GET", "POST"])
