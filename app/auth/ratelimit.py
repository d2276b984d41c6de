"""Rate limits on sign-in, per address and per login, counted in Redis.

When Redis does not answer, Flask-Limiter falls back to counting in memory (per
process) and tries Redis again later: the application never fails because of it.
A counter's key never holds what was typed: the login (a card number, a name, whatever is typed in the
field) is kept as a keyed digest, and so is an "address" that is no IP address.
"""

import hashlib
import hmac
import logging
import os

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from app.extensions import limiter

logger = logging.getLogger(__name__)

DEFAULTS = {
    # A whole town hall may share one address: the per-address limit counts failed sign-ins only and is
    # the looser one, so one place cannot lock out a site's agents; the per-login limit and the lock-out
    # protect each account.
    "LOGIN_RATE_LIMIT_PER_ADDRESS": "50 per minute;500 per hour",
    "LOGIN_RATE_LIMIT_PER_LOGIN": "10 per minute;60 per hour",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "relais-ratelimit",
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}


def input_digest(value: str) -> str:
    """HMAC-SHA256 of `value` under SECRET_KEY, in hex: one key per value, shared by every instance, and a
    copy of Redis alone cannot be searched for a guessed login or card number."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, value.encode(errors="replace"), hashlib.sha256).hexdigest()


def login_key() -> str:
    """The key of the per-login limit: a digest of the login typed in the sign-in form, stripped and
    lower-cased (so "Dupont " and "dupont" share one counter), never the login itself."""
    return "login:" + input_digest((request.form.get("login") or "").strip().lower())


def address_key() -> str:
    """The key of the per-address limits (sign-in, bad API tokens): a digest of the client's address, never
    the address itself (it is personal data, and a forged X-Forwarded-For makes it any text)."""
    return "addr:" + input_digest(get_remote_address() or "")


def _per_address() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


def _per_login() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_LOGIN"]


def _failed(response) -> bool:
    return response.status_code == 401


def limit_sign_in(view):
    """Decorate the sign-in view: POSTs are limited per login; failed ones also per address.

    The address is the agent's behind a proxy only when RELAIS_TRUSTED_PROXIES says how many there are.
    """
    view = limiter.limit(_per_login, key_func=login_key, methods=["POST"], scope="login-per-login")(view)
    return limiter.limit(_per_address, key_func=address_key, methods=["POST"], deduct_when=_failed,
                         scope="login-per-address")(view)


def init_app(app) -> None:
    """Configure the limiter: storage on REDIS_URL unless RATELIMIT_STORAGE_URI says otherwise."""
    for key, value in DEFAULTS.items():
        if key.startswith("LOGIN_RATE_LIMIT") and os.environ.get(key):
            value = os.environ[key].strip().strip("\"'")  # e.g. a looser limit for a load test
            try:
                parse_many(value)
            except ValueError as exc:
                raise RuntimeError(f"{key} : limite illisible {value!r} (ex. « 10 per minute;60 per hour »).") from exc
        app.config.setdefault(key, value)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    limiter.init_app(app)
    # The limiter object is shared: a new app starts on its configured storage, not a fallback
    # an earlier app switched to.
    limiter._storage_dead = False
