"""`flask users ...`: create, list, deactivate agents, set passwords."""

import sys

import click
from flask.cli import AppGroup

from app.auth.services import (
    AgentError,
    create_agent,
    deactivate_agent,
    get_agent_by_login,
    list_agents,
    set_password,
)
from app.config import ROLES
from app.extensions import db

users = AppGroup("users", help="Gérer les agents (comptes, rôles, mots de passe).")


def _fail(message: str):
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@users.command("create")
@click.argument("login")
@click.option("--role", required=True, help=f"Rôle : {', '.join(ROLES)}.")
@click.option("--site", "site_code", help="Code du site de rattachement (ex. mairie-02).")
@click.option("--name", help="Nom affiché.")
def create_command(login, role, site_code, name):
    """Create an agent; the password is prompted for (or read from standard input)."""
    if role not in ROLES:
        _fail(f"rôle inconnu {role!r} (attendu : {', '.join(ROLES)}).")
    password = _read_password()
    try:
        agent = create_agent(login, role, password, name=name, site_code=site_code)
    except AgentError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Agent {agent.login} créé ({role}).")


@users.command("list")
def list_command():
    """List agents: login, role, site, state."""
    for agent in list_agents():
        state = "actif" if agent.active else "désactivé"
        site = agent.site.code if agent.site else "-"
        click.echo(f"{agent.login}\t{agent.role}\t{site}\t{state}\t{agent.name}")


@users.command("deactivate")
@click.argument("login")
def deactivate_command(login):
    """Deactivate an agent (their sessions end at once)."""
    agent = get_agent_by_login(login)
    if agent is None:
        _fail(f"agent inconnu {login!r}.")
    deactivate_agent(agent)
    db.session.commit()
    click.echo(f"Agent {agent.login} désactivé.")


@users.command("set-password")
@click.argument("login")
def set_password_command(login):
    """Set an agent's password (prompted for, or read from standard input)."""
    agent = get_agent_by_login(login)
    if agent is None:
        _fail(f"agent inconnu {login!r}.")
    try:
        set_password(agent, _read_password())
    except AgentError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Mot de passe de {agent.login} changé.")
