"""View guards: `role_required` and the loader Flask-Login uses."""

from functools import wraps

from flask import abort, session
from flask_login import current_user

from app.auth.models import Agent
from app.auth.sessions import session_agent
from app.extensions import login_manager


@login_manager.user_loader
def load_agent(user_id: str) -> Agent | None:
    """Load the agent of a session: its server-side session must be open (see `app.auth.sessions`).

    A stale session version (password, role or site changed, deactivated) ends it too.
    """
    try:
        agent_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    return session_agent(agent_id, session.get("sid"), version)  # the session row and its agent, one query


def role_required(*roles: str):
    """Allow the view to agents of these roles only; others get 403 (audited by the error handler)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
