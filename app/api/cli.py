"""`flask --app app integrations ...`: create, list and revoke integration tokens."""

import click

from app.api.labels import SCOPES
from app.api.models import IntegrationToken
from app.api.tokens import TokenError, create_token, list_tokens, revoke_token
from app.extensions import db


@click.group("integrations")
def integrations():
    """Integration tokens (phone system, scripts): create, list, revoke."""


@integrations.command("create")
@click.argument("name")
@click.option("--scopes", required=True,
              help="Portées séparées par des virgules : " + ", ".join(SCOPES) + ".")
def create_command(name, scopes):
    """Create a token for NAME; the token is printed alone on the last line, once."""
    try:
        token, plain = create_token(name, scopes)
    except TokenError as exc:
        raise click.BadParameter(exc.message, param_hint="--scopes" if exc.field == "scopes" else "NAME") from exc
    db.session.commit()
    click.echo(f"Intégration « {token.name} » créée (portées : {', '.join(token.scope_list)}). "
               "Copiez le jeton ci-dessous : il ne sera plus affiché.")
    click.echo(plain)


@integrations.command("list")
def list_command():
    """List the tokens with their scopes and last use."""
    for token in list_tokens():
        state = "actif" if token.active else "révoqué"
        last = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "jamais"
        click.echo(f"{token.id}\t{token.name}\t{token.prefix}…\t{token.scopes}\t{state}\tdernier usage : {last}")


@integrations.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke the token of integration NAME."""
    token = db.session.execute(db.select(IntegrationToken).where(IntegrationToken.name == name)).scalar_one_or_none()
    if token is None:
        raise click.BadParameter(f"Aucune intégration « {name} ».", param_hint="NAME")
    revoke_token(token)
    db.session.commit()
    click.echo(f"Jeton de « {name} » révoqué.")
