"""`flask --app app integrations ...`: create, list, scope and revoke integration tokens."""

import click

from app.api.labels import SCOPES
from app.api.models import IntegrationToken
from app.api.scope import describe_scope
from app.api.tokens import TokenError, create_token, list_tokens, revoke_token, set_token_reach
from app.extensions import db

SITES_HELP = ("Sites servis, codes séparés par des virgules (ex. mairie-12,mairie-02), ou « all » pour tous "
              "les sites. Le jeton ne lit ni n'écrit rien ailleurs.")
CHANNELS_HELP = "Canaux permis, codes séparés par des virgules (ex. counter) ; par défaut, tous les canaux."


@click.group("integrations")
def integrations():
    """Integration tokens (phone system, scripts): create, list, scope, revoke."""


def _option_error(exc: TokenError) -> click.BadParameter:
    hint = {"scopes": "--scopes", "sites": "--sites", "channels": "--channels"}.get(exc.field, "NAME")
    return click.BadParameter(exc.message, param_hint=hint)


def _by_name(name: str) -> IntegrationToken:
    token = db.session.execute(db.select(IntegrationToken).where(IntegrationToken.name == name)).scalar_one_or_none()
    if token is None:
        raise click.BadParameter(f"Aucune intégration « {name} ».", param_hint="NAME")
    return token


@integrations.command("create")
@click.argument("name")
@click.option("--scopes", required=True,
              help="Portées séparées par des virgules : " + ", ".join(SCOPES) + ".")
@click.option("--sites", required=True, help=SITES_HELP)
@click.option("--channels", default="", help=CHANNELS_HELP)
def create_command(name, scopes, sites, channels):
    """Create a token for NAME; the token is printed alone on the last line, once."""
    try:
        token, plain = create_token(name, scopes, sites=sites, channels=channels)
    except TokenError as exc:
        raise _option_error(exc) from exc
    db.session.commit()
    click.echo(f"Intégration « {token.name} » créée (portées : {', '.join(token.scope_list)} ; "
               f"sites et canaux : {describe_scope(token)}). Copiez le jeton ci-dessous : il ne sera plus affiché.")
    click.echo(plain)


@integrations.command("scope")
@click.argument("name")
@click.option("--sites", required=True, help=SITES_HELP)
@click.option("--channels", default="", help=CHANNELS_HELP)
def scope_command(name, sites, channels):
    """Bind the token of integration NAME to other sites and channels (e.g. a token from before 0021)."""
    token = _by_name(name)
    try:
        set_token_reach(token, sites, channels)
    except TokenError as exc:
        raise _option_error(exc) from exc
    db.session.commit()
    click.echo(f"Intégration « {name} » : {describe_scope(token)}.")


@integrations.command("list")
def list_command():
    """List the tokens with their scopes, sites and channels, and last use."""
    for token in list_tokens():
        state = "actif" if token.active else "révoqué"
        last = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "jamais"
        click.echo(f"{token.id}\t{token.name}\t{token.prefix}…\t{token.scopes}\t{describe_scope(token)}\t{state}\t"
                   f"dernier usage : {last}")


@integrations.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke the token of integration NAME."""
    revoke_token(_by_name(name))
    db.session.commit()
    click.echo(f"Jeton de « {name} » révoqué.")
