"""Integration tokens: create (the plain token is shown once), revoke, authenticate a request.

Only the SHA-256 of a token is stored: tokens are 256-bit random strings, so a fast hash is enough
(no dictionary to guess from) and the look-up is one indexed equality.
"""

import base64
import hashlib
import secrets
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from app.api.labels import SCOPES
from app.api.models import IntegrationToken
from app.audit.actor import Actor
from app.audit.services import record
from app.extensions import db
from app.timeutil import utcnow


class TokenError(ValueError):
    """A token that cannot be created as asked; `field` names the form field or option."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class ApiAuthError(Exception):
    """A request refused: 401 (no, bad or revoked token) or 403 (the token lacks the scope)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def hash_token(plain: str) -> str:
    """The token's SHA-256 in base64: in hexadecimal, 13 digits in a row would now and then pass for a card
    number, which no column may hold."""
    return base64.b64encode(hashlib.sha256(plain.encode("utf-8")).digest()).decode("ascii").rstrip("=")


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """'cti,calls:read' or ['cti', 'calls:read'] -> known scopes in a stable order; TokenError otherwise."""
    items = text if isinstance(text, list | tuple) else text.replace(",", " ").split()
    scopes = [item.strip() for item in items if item.strip()]
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise TokenError("scopes", f"Portée inconnue : {', '.join(unknown)} (portées possibles : "
                                   f"{', '.join(SCOPES)}).")
    if not scopes:
        raise TokenError("scopes", "Choisissez au moins une portée.")
    return [scope for scope in SCOPES if scope in scopes]


def create_token(name: str, scopes, agent=None, *, actor: Actor | None = None) -> tuple[IntegrationToken, str]:
    """A new token for an external system; returns (row, plain token). The plain token is never stored.

    Audited for `actor` (who and from where), by default `agent` with no address.
    """
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenError("name", "Nom de l'intégration : de 1 à 80 caractères.")
    scope_list = parse_scopes(scopes)
    plain = secrets.token_urlsafe(32)
    token = IntegrationToken(name=name, token_hash=hash_token(plain), prefix=plain[:6], scopes=" ".join(scope_list),
                             created_by_id=agent.id if agent is not None else None, use_count=0)
    try:
        with db.session.begin_nested():
            db.session.add(token)
            db.session.flush()
    except IntegrityError as exc:
        raise TokenError("name", f"Une intégration s'appelle déjà « {name} ».") from exc
    record("integration.created", actor or Actor(agent), object_type="integration_token", object_id=token.id,
           detail={"fields": ["name", "scopes"], "scopes": scope_list})
    return token, plain


def revoke_token(token: IntegrationToken, agent=None, *, actor: Actor | None = None) -> IntegrationToken:
    """Revoke a token: every later request with it gets 401. Audited for `actor`, by default `agent`."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("integration.revoked", actor or Actor(agent), object_type="integration_token", object_id=token.id)
        db.session.flush()
    return token


def get_token(token_id: int) -> IntegrationToken | None:
    """The integration token with this id (revoked ones too); None when unknown."""
    return db.session.get(IntegrationToken, token_id)


def list_tokens() -> list[IntegrationToken]:
    return list(db.session.execute(db.select(IntegrationToken).order_by(IntegrationToken.revoked_at.is_not(None),
                                                                        IntegrationToken.name)).scalars())


def authenticate(plain: str | None, scope: str, endpoint: str | None = None, *,
                 actor: Actor | None = None) -> IntegrationToken:
    """The active token for `plain` holding `scope`; records its use (count, time, audit entry).

    The entries are the request's `actor` (its address) under the token's name.
    """
    actor = actor or Actor.system()
    token = None
    if plain:
        token = db.session.execute(db.select(IntegrationToken).where(
            IntegrationToken.token_hash == hash_token(plain))).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        record("integration.refused", replace(actor, login=token.name if token is not None else None),
               object_type="integration_token", object_id=token.id if token is not None else None,
               detail={"endpoint": endpoint, "reason": "revoked" if token is not None else "unknown"})
        raise ApiAuthError(401, "Jeton invalide ou révoqué : demandez un jeton à l'administrateur de Relais.")
    if scope not in token.scope_list:
        record("integration.refused", replace(actor, login=token.name), object_type="integration_token",
               object_id=token.id, detail={"endpoint": endpoint, "reason": "scope", "scope": scope})
        raise ApiAuthError(403, f"Ce jeton n'a pas la portée « {scope} » ({SCOPES[scope]}).")
    token.last_used_at = utcnow()
    token.use_count = (token.use_count or 0) + 1
    record("integration.used", replace(actor, login=token.name), object_type="integration_token", object_id=token.id,
           detail={"endpoint": endpoint, "scope": scope})
    return token
