"""Bearer tokens on API routes: `require_scope` checks the token, its scope, its sites and the rate limits.

A refused request is answered in JSON (401, 403 or 429) and its audit entry is committed; an accepted one
leaves its audit entry in the view's transaction (committed with the change, or on its own for reads).

Two limits, counted in Redis under keys that hold digests, never what the client sent:
- per token (API_RATE_LIMIT, default 300 per minute);
- bad tokens per address (API_BAD_TOKEN_LIMIT, default 20 per minute): past it, 429 with Retry-After.
  One audit entry per address and window for the refusals, one more when the throttle starts.
"""

import logging
import time
from functools import wraps

from flask import current_app, g, jsonify, request
from limits import parse

from app.api.tokens import ApiAuthError, authenticate, record_refusal
from app.auth.current import request_actor
from app.auth.ratelimit import address_key, input_digest
from app.extensions import db, limiter

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = "300 per minute"
DEFAULT_BAD_TOKEN_LIMIT = "20 per minute"
THROTTLED = "Trop de jetons invalides depuis cette adresse : réessayez dans un instant."


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def token_key() -> str:
    """The rate-limit key: the token's digest (URL token for the CTI endpoint), else the address's."""
    plain = (request.view_args or {}).get("token") or bearer_token()
    return "token:" + input_digest(plain) if plain else address_key()


def _api_rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def rate_limited(view, limit=_api_rate_limit, scope: str = "api-per-token"):
    """Limit requests per token: `limit` (a callable giving the limit), by default API_RATE_LIMIT
    (300 per minute); the CTI endpoint passes its own, sized for the phone platform's peak."""
    return limiter.limit(limit, key_func=token_key, scope=scope)(view)


def _json(status: int, message: str, headers: dict | None = None):
    response = jsonify(error=message)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def refusal(exc: ApiAuthError):
    """The JSON answer to a refused token, its audit entry committed."""
    db.session.commit()
    return _json(exc.status, exc.message,
                 {"WWW-Authenticate": 'Bearer realm="relais"'} if exc.status == 401 else None)


def _bad_token_counts() -> tuple[bool, bool, bool, int]:
    """Count one bad token for this address: (allowed, audit the refusal, audit the throttle, retry after s).

    Without a limiter (disabled, or its storage failing) every refusal is allowed and audited.
    """
    if not limiter.enabled:
        return True, True, False, 0
    item = parse(current_app.config.get("API_BAD_TOKEN_LIMIT", DEFAULT_BAD_TOKEN_LIMIT))
    once = parse(f"1 per {item.get_expiry()} seconds")
    key = address_key()
    try:
        strategy = limiter.limiter
        allowed = strategy.hit(item, "api-bad-token", key)
        if allowed:
            return True, strategy.hit(once, "api-bad-token-audit", key), False, 0
        reset_at, _remaining = strategy.get_window_stats(item, "api-bad-token", key)
        return False, False, strategy.hit(once, "api-bad-token-throttled", key), max(1, int(reset_at - time.time()))
    except Exception:  # noqa: BLE001 - the limiter's storage is down: refuse the token, audit, never fail
        logger.warning("Compteur des jetons invalides indisponible : refus audité sans limite")
        return True, True, False, 0


def _refuse_bad_token(plain: str | None, exc: ApiAuthError):
    allowed, audit_refusal, audit_throttle, retry_after = _bad_token_counts()
    actor = request_actor()
    if audit_refusal:
        record_refusal(plain, request.endpoint, actor, **({"first_of_window": True} if limiter.enabled else {}))
    if audit_throttle:
        record_refusal(plain, request.endpoint, actor, throttled=True)
    if allowed:
        return refusal(exc)
    db.session.commit()
    return _json(429, THROTTLED, {"Retry-After": str(retry_after)})


def require_scope(scope, token_from_url: bool = False, rate_limit=None):
    """Decorate an API view: the request's token must be active, hold `scope` (or one of a tuple of scopes)
    and serve at least one site. The view finds the token in `g.api_token`, its reach in `g.api_scope`.
    Requests are limited per token by `rate_limit` (a callable giving the limit; by default
    API_RATE_LIMIT); the CTI endpoint passes its own, sized for the phone platform's peak."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            plain = kwargs.pop("token") if token_from_url else bearer_token()
            try:
                g.api_token, g.api_scope = authenticate(plain, scope, endpoint=request.endpoint,
                                                        actor=request_actor(), audit_refusal=False)
            except ApiAuthError as exc:
                if exc.status == 401:
                    return _refuse_bad_token(plain, exc)
                return refusal(exc)
            return view(*args, **kwargs)

        if rate_limit is None:
            return rate_limited(wrapped)
        name = scope if isinstance(scope, str) else "-".join(scope)
        return rate_limited(wrapped, rate_limit, scope=f"{name}-per-token")

    return decorator
