"""`flask --app app tickets import FILE.csv [--dry-run] [--again]`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.tickets.import_runs import DuplicateImportError, FileNameCardError, create_import_run
from app.tickets.tasks import perform_import

tickets = AppGroup("tickets", help="Tickets : import d'historiques.")


@tickets.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer.")
@click.option("--again", is_flag=True, help="Importer même un fichier déjà importé (même contenu).")
def import_command(path: Path, dry_run: bool, again: bool):
    """Import tickets from a CSV file (format: docs/import-format.md). All lines or none.

    Like the upload page, the file is kept as an import run (its hash refuses a second import of the
    same file unless --again); the command runs it at once and lists every problem.
    """
    try:
        run = create_import_run(path.read_bytes(), path.name, None, dry_run=dry_run, confirmed=again)
    except DuplicateImportError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} (option --again)") from exc
    except FileNameCardError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    result = perform_import(run.id)
    if not result.ok:
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} erreur(s) : rien n'a été importé.")
    if dry_run:
        click.echo("Vérification seule : rien n'a été enregistré.")
    click.echo(result.summary())
