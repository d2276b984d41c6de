"""Home page per role and the health check."""

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy import text

from app.config import ROLE_LABELS
from app.extensions import db
from app.jobs import redis_available

bp = Blueprint("main", __name__)

# What each role does first: (label, endpoint, description). Domains add their entries;
# an entry whose endpoint does not exist yet is not shown.
HOME_ACTIONS: dict[str, list[tuple[str, str, str]]] = {
    "counter_agent": [],
    "operator_3975": [],
    "facil_familles": [],
    "manager": [],
    "admin": [],
}


def add_home_action(roles, label: str, endpoint: str, description: str) -> None:
    """Declare a home-page action for these roles."""
    for role in roles:
        entry = (label, endpoint, description)
        if entry not in HOME_ACTIONS[role]:
            HOME_ACTIONS[role].append(entry)


@bp.route("/")
@login_required
def home():
    actions = [a for a in HOME_ACTIONS.get(current_user.role, []) if a[1] in current_app.view_functions]
    return render_template("main/home.html", actions=actions, role_label=ROLE_LABELS[current_user.role])


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers ask for on every page (public, cached a week)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.route("/health")
def health():
    """Liveness and dependencies, for a load balancer: 200 when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        database = "error"
    body = {"status": "ok" if database == "ok" else "error", "database": database,
            "redis": "ok" if redis_available() else "unavailable"}
    return jsonify(body), 200 if database == "ok" else 503
