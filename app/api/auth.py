"""Bearer tokens on API routes: `require_scope` checks the token, its scope and the rate limit.

A refused request is answered in JSON (401 or 403) and its audit entry is committed; an accepted one
leaves its audit entry in the view's transaction (committed with the change, or on its own for reads).
"""

from functools import wraps

from flask import current_app, g, jsonify, request

from app.api.tokens import ApiAuthError, authenticate, hash_token
from app.auth.current import request_actor
from app.extensions import db, limiter

DEFAULT_RATE_LIMIT = "300 per minute"


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def token_key() -> str:
    """The rate-limit key: the token's hash (URL token for the CTI endpoint), else the address."""
    plain = (request.view_args or {}).get("token") or bearer_token()
    return "token:" + hash_token(plain)[:16] if plain else "addr:" + (request.remote_addr or "")


def _api_rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def rate_limited(view, limit=_api_rate_limit, scope: str = "api-per-token"):
    """Limit requests per token: `limit` (a callable giving the limit), by default API_RATE_LIMIT
    (300 per minute); the CTI endpoint passes its own, sized for the phone platform's peak."""
    return limiter.limit(limit, key_func=token_key, scope=scope)(view)


def refusal(exc: ApiAuthError):
    """The JSON answer to a refused token, its audit entry committed."""
    db.session.commit()
    response = jsonify(error=exc.message)
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="relais"'
    return response


def require_scope(scope: str, token_from_url: bool = False, rate_limit=None):
    """Decorate an API view: the request's token must be active and hold `scope`; requests are limited per
    token by `rate_limit` (a callable giving the limit; by default API_RATE_LIMIT)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            plain = kwargs.pop("token") if token_from_url else bearer_token()
            try:
                g.api_token = authenticate(plain, scope, endpoint=request.endpoint, actor=request_actor())
            except ApiAuthError as exc:
                return refusal(exc)
            return view(*args, **kwargs)

        if rate_limit is None:
            return rate_limited(wrapped)
        return rate_limited(wrapped, rate_limit, scope=f"{scope}-per-token")

    return decorator
