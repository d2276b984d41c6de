"""Integration tokens admin page (admins): list with last use, create (token shown once), revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.api.forms import RevokeForm, TokenCreateForm
from app.api.labels import SCOPES
from app.api.tokens import TokenError, create_token, get_token, list_tokens, revoke_token
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.extensions import db

bp = Blueprint("integrations_admin", __name__, url_prefix="/admin/integrations")


def _page(form, new_token=None, status=200):
    return render_template("api/integrations.html", tokens=list_tokens(), form=form, revoke_form=RevokeForm(),
                           scopes=SCOPES, new_token=new_token), status


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    form = TokenCreateForm()
    if form.validate_on_submit():
        try:
            token, plain = create_token(form.name.data, form.scopes.data, current_user, actor=request_actor())
        except TokenError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            return _page(TokenCreateForm(formdata=None), new_token=(token, plain))
    return _page(form, status=400 if form.errors else 200)


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
