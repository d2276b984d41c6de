"""Operator commands: `flask --app app <group> ...`."""

import click
from flask import current_app

from app.api.cli import integrations
from app.auth.cli import users
from app.channels.cli import reference
from app.config import QUEUES
from app.demo.cli import demo
from app.jobs.worker import run_worker
from app.privacy.cli import privacy
from app.reports.cli import report
from app.telephony.cli import telephony
from app.tickets.cli import tickets
from app.training.cli import training


@click.command("worker")
@click.option("--burst", is_flag=True, help="S'arrêter quand les files sont vides.")
@click.option("--no-periodic", is_flag=True, help="Sans les tâches périodiques (faits, ramasseur, lundi 6 h).")
@click.option("--queue", "queues", multiple=True, type=click.Choice(QUEUES),
              help="N'écouter que cette file (répétable) ; par défaut toutes.")
def worker_command(burst, no_periodic, queues):
    """Run an RQ worker (with its scheduler) for Relais's queues."""
    run_worker(current_app._get_current_object(), burst=burst, queues=tuple(queues) or QUEUES,
               periodic=not no_periodic)


def init_app(app) -> None:
    """Register every command group."""
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(reference)
    app.cli.add_command(worker_command)
    app.cli.add_command(privacy)
    app.cli.add_command(tickets)
    app.cli.add_command(report)
    app.cli.add_command(training)
    app.cli.add_command(integrations)
    app.cli.add_command(telephony)
