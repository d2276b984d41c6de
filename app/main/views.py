"""Home page per role and the health check."""

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user, login_required

from app.auth.access import TRAINING_SUPERVISORS
from app.config import ROLE_LABELS
from app.jobs.queue import redis_available
from app.main.health import database_answers, health_report
from app.main.home import home_actions
from app.timeutil import paris_day, utcnow
from app.training.queries import EXPIRING_DAYS, expiring_trainings

bp = Blueprint("main", __name__)

@bp.route("/")
@login_required
def home():
    actions = home_actions(current_user.role, current_app.view_functions)
    return render_template("main/home.html", actions=actions, role_label=ROLE_LABELS[current_user.role],
                           **_training_reminders())


def _training_reminders() -> dict:
    """The agent's trainings expiring within 30 days or expired; for managers, how many of their agents'."""
    today = paris_day(utcnow())
    team = 0
    if current_user.role in TRAINING_SUPERVISORS:
        sites = [current_user.site_id] if current_user.site_id else None
        team = len(expiring_trainings(today, EXPIRING_DAYS, site_ids=sites))
    return {"training_reminders": expiring_trainings(today, EXPIRING_DAYS, agent_id=current_user.id),
            "team_training_reminders": team}


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers ask for on every page (public, cached a week)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.route("/health")
def health():
    """For monitoring: 503 with French reasons when the database is down or the facts or the scheduler are stale."""
    body, status = health_report(current_app)
    return jsonify(body), status


@bp.route("/health/live")
def health_live():
    """For the load balancer's probes: 200 when this server and its database answer."""
    database = database_answers()
    body = {"status": "ok" if database else "error", "database": "ok" if database else "error",
            "redis": "ok" if redis_available() else "unavailable"}
    return jsonify(body), 200 if database else 503
