"""`flask --app app tickets import FILE.csv [--dry-run]`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.audit.services import record
from app.extensions import db
from app.tickets.importing import import_tickets

tickets = AppGroup("tickets", help="Tickets : import d'historiques.")


@tickets.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer.")
def import_command(path: Path, dry_run: bool):
    """Import tickets from a CSV file (format: docs/import-format.md). All lines or none."""
    result = import_tickets(path.read_bytes(), dry_run=dry_run, source=path.name)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} erreur(s) : rien n'a été importé.")
    if dry_run:
        db.session.rollback()
        click.echo("Vérification seule : rien n'a été enregistré.")
    else:
        record("ticket.import", agent_login="cli", object_type="ticket",
               detail={"file": path.name, "created": result.tickets_created, "skipped": result.tickets_skipped,
                       "residents_created": result.residents_created})
        db.session.commit()
    click.echo(result.summary())
