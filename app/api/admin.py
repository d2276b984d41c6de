"""Integration tokens admin page (admins): list with last use and reach, create (token shown once), change
a token's sites and channels, revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.api.forms import RevokeForm, TokenCreateForm, TokenReachForm
from app.api.labels import SCOPES
from app.api.scope import describe_scope
from app.api.tokens import TokenError, create_token, get_token, list_tokens, revoke_token, set_token_reach
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels.queries import list_channels, list_sites
from app.extensions import db

bp = Blueprint("integrations_admin", __name__, url_prefix="/admin/integrations")


def _with_choices(form):
    form.set_choices(list_sites(), list_channels())
    return form


def _page(form, new_token=None, status=200):
    return render_template("api/integrations.html", tokens=list_tokens(), form=form, revoke_form=RevokeForm(),
                           scopes=SCOPES, new_token=new_token, describe_scope=describe_scope), status


def _field_error(form, exc: TokenError) -> None:
    db.session.rollback()
    getattr(form, exc.field).errors.append(exc.message)


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    form = _with_choices(TokenCreateForm())
    if form.validate_on_submit():
        try:
            token, plain = create_token(form.name.data, form.scopes.data, current_user, sites=form.sites.data,
                                        channels=form.channels.data, all_sites=form.all_sites.data,
                                        actor=request_actor())
        except TokenError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            return _page(_with_choices(TokenCreateForm(formdata=None)), new_token=(token, plain))
    return _page(form, status=400 if form.errors else 200)


@bp.route("/<int:token_id>/reach", methods=["GET", "POST"])
@role_required("admin")
def reach(token_id: int):
    token = get_token(token_id)
    if token is None or not token.active:
        abort(404)
    form = _with_choices(TokenReachForm(data={"all_sites": token.all_sites,
                                              "sites": [site.code for site in token.sites],
                                              "channels": [channel.code for channel in token.channels]}))
    if form.validate_on_submit():
        try:
            set_token_reach(token, form.sites.data, form.channels.data, form.all_sites.data, current_user,
                            actor=request_actor())
        except TokenError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"« {token.name} » : {describe_scope(token)}.", "success")
            return redirect(url_for("integrations_admin.index"))
    status = 400 if form.errors else 200
    return render_template("api/integration_reach.html", token=token, form=form), status


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke(token_id: int):
    token = get_token(token_id)
    if token is None:
        abort(404)
    if RevokeForm().validate_on_submit():
        revoke_token(token, current_user, actor=request_actor())
        db.session.commit()
        flash(f"Jeton « {token.name} » révoqué : le système qui l'utilisait n'est plus accepté.", "success")
    return redirect(url_for("integrations_admin.index"))
