"""`flask demo load`: reference data, demo agents and the pilot data set."""

import logging

import click
from flask.cli import AppGroup

from app.auth.models import Agent
from app.channels.reference import load_reference
from app.demo.accounts import DEMO_AGENTS, DEMO_PASSWORD, load_demo_agents
from app.demo.calls import calls_step
from app.demo.tickets import pilot_step
from app.demo.training import training_pilot_step
from app.extensions import db
from app.reports.facts.refresh import refresh_facts

logger = logging.getLogger(__name__)

demo = AppGroup("demo", help="Données de démonstration.")


def database_is_empty() -> bool:
    """True when no agent exists yet (a fresh database)."""
    return db.session.execute(db.select(Agent.id).limit(1)).first() is None


def load_all() -> None:
    """Load every demo step, in order; each is idempotent."""
    for step in DEMO_STEPS:
        step()
    db.session.commit()
    _report_facts_step()  # after every data step: the dashboards read the daily facts
    db.session.commit()


def _report_facts_step() -> None:
    result = refresh_facts()
    click.echo(f"Faits quotidiens des tableaux de bord : {result['days']} jour(s) calculé(s).")


def _reference_step() -> None:
    counts = load_reference()
    click.echo(f"Référentiels : {sum(counts.values())} modification(s).")


def _agents_step() -> None:
    count = load_demo_agents()
    click.echo(f"Agents de démonstration créés : {count}.")


# The steps `demo load` runs, in order (reference data first).
DEMO_STEPS = [_reference_step, _agents_step, pilot_step, training_pilot_step, calls_step]


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des agents.")
def load_command(if_empty):
    """Load reference data, demo agents and the pilot data set (idempotent)."""
    if if_empty and not database_is_empty():
        click.echo("Base déjà remplie : données de démonstration non rechargées.")
        return
    load_all()
    click.echo(f"Identifiants de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for login, role, _name, _site in DEMO_AGENTS:
        click.echo(f"  {login:<10} {role}")
