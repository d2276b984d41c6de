"""Agent administration, for admins: list, create, edit role/site/name, (de)activate, reset password."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.admin_forms import AgentCreateForm, AgentEditForm, PasswordResetForm, ToggleActiveForm
from app.auth.admin_services import admin_create_agent, reset_agent_password, set_agent_active, update_agent
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.auth.models import Agent
from app.auth.queries import get_agent
from app.auth.services import AgentError, list_agents
from app.channels.queries import list_active_sites
from app.extensions import db
from app.tickets.blueprint import equipment_warning_for

bp = Blueprint("agents_admin", __name__, url_prefix="/admin/agents")


def _site_choices():
    return [SelectChoice(None, "Aucun")] + [SelectChoice(site.id, site.label) for site in list_active_sites()]


def _agent_or_404(agent_id: int) -> Agent:
    agent = get_agent(agent_id)
    if agent is None:
        abort(404)
    return agent


@bp.route("/")
@role_required("admin")
def index():
    return render_template("auth/admin_agents.html", agents=list_agents(), toggle_form=ToggleActiveForm())


def _warn_about_equipment(agent: Agent) -> None:
    warning = equipment_warning_for(agent.role, agent.site)
    if warning:
        flash(f"Attention : {agent.name} ne pourra enregistrer aucun ticket. {warning}", "warning")


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    form = AgentCreateForm()
    form.site_id.choices = _site_choices()
    if form.validate_on_submit():
        try:
            agent = admin_create_agent(form.login.data, form.name.data, form.role.data, form.site_id.data,
                                       form.password.data, current_user, actor=request_actor())
        except AgentError as exc:
            db.session.rollback()
            form.login.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Agent {agent.login} créé.", "success")
            _warn_about_equipment(agent)
            return redirect(url_for("agents_admin.index"))
    return render_template("auth/admin_agent_form.html", form=form, agent=None), 400 if form.errors else 200


@bp.route("/<int:agent_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(agent_id):
    agent = _agent_or_404(agent_id)
    form = AgentEditForm(obj=agent)
    form.site_id.choices = _site_choices()
    if form.validate_on_submit():
        try:
            changes = update_agent(agent, form.name.data, form.role.data, form.site_id.data, current_user,
                                   actor=request_actor())
        except AgentError as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Agent modifié." if changes else "Aucune modification.", "success")
            _warn_about_equipment(agent)
            return redirect(url_for("agents_admin.index"))
    return render_template("auth/admin_agent_form.html", form=form, agent=agent,
                           password_form=PasswordResetForm(), toggle_form=ToggleActiveForm()), \
        400 if form.errors else 200


@bp.route("/<int:agent_id>/password", methods=["POST"])
@role_required("admin")
def reset_password(agent_id):
    agent = _agent_or_404(agent_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        reset_agent_password(agent, form.password.data, current_user, actor=request_actor())
        db.session.commit()
        flash(f"Mot de passe de {agent.login} changé ; ses sessions sont fermées.", "success")
        return redirect(url_for("agents_admin.edit", agent_id=agent.id))
    edit_form = AgentEditForm(obj=agent)
    edit_form.site_id.choices = _site_choices()
    return render_template("auth/admin_agent_form.html", form=edit_form, agent=agent, password_form=form,
                           toggle_form=ToggleActiveForm()), 400


@bp.route("/<int:agent_id>/active", methods=["POST"])
@role_required("admin")
def toggle_active(agent_id):
    agent = _agent_or_404(agent_id)
    if ToggleActiveForm().validate_on_submit():
        try:
            set_agent_active(agent, not agent.active, current_user, actor=request_actor())
        except AgentError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Agent {agent.login} {'réactivé' if agent.active else 'désactivé'}.", "success")
    return redirect(url_for("agents_admin.index"))
