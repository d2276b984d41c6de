"""The actor of the current request: the one place that reads the signed-in agent and the client's address
for the audit trail. Views and the request's hooks pass it to the services that write entries."""

from flask import request
from flask_login import current_user

from app.audit.actor import Actor


def request_actor(login: str | None = None) -> Actor:
    """The signed-in agent (None when nobody is) and the client's address (X-Forwarded-For behind the proxy).

    `login` is kept when no agent is signed in: the identifier typed at a sign-in, an integration token's name.
    """
    agent = current_user._get_current_object() if current_user and current_user.is_authenticated else None
    return Actor(agent, request.remote_addr, login)
