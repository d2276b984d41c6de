"""`flask --app app telephony ...`: operators' phone extensions."""

import click

from app.auth.admin_services import set_agent_extension
from app.auth.models import Agent
from app.auth.services import AgentError
from app.extensions import db


@click.group("telephony")
def telephony():
    """3975 telephony: operators' extensions."""


@telephony.command("extension")
@click.argument("login")
@click.argument("extension", required=False)
def extension_command(login, extension):
    """Set the phone extension of agent LOGIN (the `answeringNumber` of the phone system); none removes it."""
    agent = db.session.execute(db.select(Agent).where(Agent.login == login.strip().lower())).scalar_one_or_none()
    if agent is None:
        raise click.BadParameter(f"Aucun agent « {login} ».", param_hint="LOGIN")
    try:
        set_agent_extension(agent, extension)
    except AgentError as exc:
        raise click.BadParameter(str(exc), param_hint="EXTENSION") from exc
    db.session.commit()
    click.echo(f"Poste de {agent.login} : {agent.extension or 'aucun'}.")
