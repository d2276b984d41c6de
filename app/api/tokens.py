"""Integration tokens: create (the plain token is shown once), revoke, authenticate a request.

Only the SHA-256 of a token is stored: tokens are 256-bit random strings, so a fast hash is enough
(no dictionary to guess from) and the look-up is one indexed equality.
"""

import base64
import hashlib
import secrets
from dataclasses import replace

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.api.labels import CALL_SCOPES, SCOPES
from app.api.models import IntegrationToken
from app.api.scope import TokenScope, token_scope
from app.audit.actor import Actor
from app.audit.services import record
from app.channels.models import Channel, Site
from app.extensions import db
from app.timeutil import utcnow

ALL_SITES = ("all", "tous")  # what `--sites` takes for every site


class TokenError(ValueError):
    """A token that cannot be created as asked; `field` names the form field or option."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class ApiAuthError(Exception):
    """A request refused: 401 (no, bad or revoked token) or 403 (the token lacks the scope or the sites)."""

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


def _codes(value) -> list[str]:
    items = value if isinstance(value, list | tuple) else (value or "").replace(",", " ").split()
    return list(dict.fromkeys(item.strip() for item in items if item and item.strip()))


def resolve_reach(sites, channels=(), all_sites: bool = False) -> tuple[list[Site], list[Channel], bool]:
    """Site and channel codes ('mairie-12,mairie-02', a list, or 'all' for every site) -> rows; TokenError
    naming `sites` or `channels` for an unknown code, no site at all, or both a list and every site."""
    site_codes = _codes(sites)
    if len(site_codes) == 1 and site_codes[0].lower() in ALL_SITES:
        site_codes, all_sites = [], True
    if all_sites and site_codes:
        raise TokenError("sites", "Choisissez des sites ou « tous les sites », pas les deux.")
    if not all_sites and not site_codes:
        raise TokenError("sites", "Choisissez au moins un site (ou « tous les sites ») : un jeton sans site "
                                  "ne peut rien lire ni écrire.")
    found_sites = list(db.session.execute(db.select(Site).where(Site.code.in_(site_codes))).scalars())
    unknown = [code for code in site_codes if code not in {site.code for site in found_sites}]
    if unknown:
        raise TokenError("sites", f"Site inconnu : {', '.join(code[:40] for code in unknown)}.")
    channel_codes = _codes(channels)
    found_channels = list(db.session.execute(db.select(Channel).where(Channel.code.in_(channel_codes))).scalars())
    unknown = [code for code in channel_codes if code not in {channel.code for channel in found_channels}]
    if unknown:
        raise TokenError("channels", f"Canal inconnu : {', '.join(code[:40] for code in unknown)}.")
    return found_sites, found_channels, all_sites


def _reach_detail(token: IntegrationToken) -> dict:
    return {"all_sites": bool(token.all_sites), "sites": sorted(site.code for site in token.sites),
            "channels": sorted(channel.code for channel in token.channels)}


def create_token(name: str, scopes, agent=None, *, sites=(), channels=(), all_sites: bool = False,
                 actor: Actor | None = None) -> tuple[IntegrationToken, str]:
    """A new token for an external system, serving `sites` (codes, or every site with `all_sites`) and
    `channels` (codes; none: every channel); returns (row, plain token). The plain token is never stored.

    Audited for `actor` (who and from where), by default `agent` with no address.
    """
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenError("name", "Nom de l'intégration : de 1 à 80 caractères.")
    scope_list = parse_scopes(scopes)
    site_rows, channel_rows, all_sites = resolve_reach(sites, channels, all_sites)
    plain = secrets.token_urlsafe(32)
    token = IntegrationToken(name=name, token_hash=hash_token(plain), prefix=plain[:6], scopes=" ".join(scope_list),
                             created_by_id=agent.id if agent is not None else None, use_count=0,
                             all_sites=all_sites, sites=site_rows, channels=channel_rows)
    try:
        with db.session.begin_nested():
            db.session.add(token)
            db.session.flush()
    except IntegrityError as exc:
        raise TokenError("name", f"Une intégration s'appelle déjà « {name} ».") from exc
    record("integration.created", actor or Actor(agent), object_type="integration_token", object_id=token.id,
           detail={"fields": ["name", "scopes", "sites", "channels"], "scopes": scope_list} | _reach_detail(token))
    return token, plain


def set_token_reach(token: IntegrationToken, sites, channels=(), all_sites: bool = False, agent=None, *,
                    actor: Actor | None = None) -> IntegrationToken:
    """Bind `token` to other sites and channels (same values as `create_token`). Audited, before and after."""
    site_rows, channel_rows, all_sites = resolve_reach(sites, channels, all_sites)
    before = _reach_detail(token)
    token.all_sites, token.sites, token.channels = all_sites, site_rows, channel_rows
    db.session.flush()
    record("integration.scoped", actor or Actor(agent), object_type="integration_token", object_id=token.id,
           detail={"before": before, "after": _reach_detail(token)})
    return token


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


def find_active_token(plain: str | None) -> IntegrationToken | None:
    """The active token for `plain`; None when unknown or revoked."""
    if not plain:
        return None
    token = db.session.execute(db.select(IntegrationToken).where(
        IntegrationToken.token_hash == hash_token(plain))).scalar_one_or_none()
    return token if token is not None and token.revoked_at is None else None


def record_refusal(plain: str | None, endpoint: str | None, actor: Actor, **detail) -> None:
    """Audit a request refused for its token (unknown or revoked), naming the token when it exists."""
    token = None
    if plain:
        token = db.session.execute(db.select(IntegrationToken).where(
            IntegrationToken.token_hash == hash_token(plain))).scalar_one_or_none()
    record("integration.refused", replace(actor, login=token.name if token is not None else None),
           object_type="integration_token", object_id=token.id if token is not None else None,
           detail={"endpoint": endpoint, "reason": "revoked" if token is not None else "unknown"} | detail)


def count_use(token: IntegrationToken) -> None:
    """One more use, as one UPDATE (`use_count = use_count + 1`): concurrent requests lose no increment."""
    db.session.execute(update(IntegrationToken).where(IntegrationToken.id == token.id)
                       .values(use_count=IntegrationToken.use_count + 1, last_used_at=utcnow())
                       .execution_options(synchronize_session=False))


BAD_TOKEN = "Jeton invalide ou révoqué : demandez un jeton à l'administrateur de Relais."


def authenticate(plain: str | None, scopes, endpoint: str | None = None, *, actor: Actor | None = None,
                 audit_refusal: bool = True) -> tuple[IntegrationToken, TokenScope]:
    """The active token for `plain` holding one of `scopes` (a code or a tuple), and its reach; records its
    use (count, time, audit entry). The entries are the request's `actor` (its address) under the token's name.

    401 for no, unknown or revoked token (audited unless `audit_refusal` is False: the caller throttles);
    403 for a token lacking the scope, with no site at all, or (calls, CTI) not serving the 3975 platform.
    """
    actor = actor or Actor.system()
    scopes = (scopes,) if isinstance(scopes, str) else tuple(scopes)
    token = find_active_token(plain)
    if token is None:
        if audit_refusal:
            record_refusal(plain, endpoint, actor)
        raise ApiAuthError(401, BAD_TOKEN)
    named = replace(actor, login=token.name)
    held = next((scope for scope in scopes if scope in token.scope_list), None)
    if held is None:
        record("integration.refused", named, object_type="integration_token", object_id=token.id,
               detail={"endpoint": endpoint, "reason": "scope", "scope": scopes[0]})
        raise ApiAuthError(403, f"Ce jeton n'a pas la portée « {scopes[0]} » ({SCOPES[scopes[0]]}).")
    reach = token_scope(token)
    if reach.empty or (held in CALL_SCOPES and not reach.calls):
        record("integration.refused", named, object_type="integration_token", object_id=token.id,
               detail={"endpoint": endpoint, "reason": "sites", "scope": held})
        raise ApiAuthError(403, "Ce jeton n'est lié à aucun site : un administrateur doit choisir ses sites (ou "
                                "« tous les sites ») sur la page Intégrations." if reach.empty else
                           "Ce jeton ne sert pas la plateforme 3975 : les appels lui sont fermés.")
    count_use(token)
    record("integration.used", named, object_type="integration_token", object_id=token.id,
           detail={"endpoint": endpoint, "scope": held})
    return token, reach
