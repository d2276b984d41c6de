"""Sign-in and sign-out pages."""


from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.audit.services import record
from app.auth.access import REPORT_READERS, TICKET_LIST_ROLES
from app.auth.current import request_actor
from app.auth.forms import LoginForm
from app.auth.ratelimit import limit_sign_in
from app.auth.services import AccountLockedError, authenticate
from app.auth.sessions import end_session, start_session
from app.extensions import db
from app.timeutil import to_paris
from app.web.redirects import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")
# The role groups the header's links name (`_nav.html`).
bp.add_app_template_global(TICKET_LIST_ROLES, "TICKET_LIST_ROLES")
bp.add_app_template_global(REPORT_READERS, "REPORT_READERS")


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            agent = authenticate(form.login.data, form.password.data)
        except AccountLockedError as exc:
            agent = None
            error = (
                "Trop de tentatives : ce compte est verrouillé jusqu'à "
                f"{to_paris(exc.until):%H:%M}. Réessayez plus tard ou contactez un administrateur."
            )
            record("login.locked", request_actor(login=form.login.data))
        else:
            if agent is None:
                error = "Identifiant ou mot de passe incorrect."
                record("login.failed", request_actor(login=form.login.data))
        if agent is not None:
            session.clear()
            session.permanent = True
            session["sid"] = start_session(agent)
            login_user(agent)
            record("login.success", request_actor())  # signed in just above: the actor is `agent`
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        db.session.commit()
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record("logout", request_actor())
    end_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
