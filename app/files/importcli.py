"""What every all-or-nothing CSV import command does once its file is checked (catalogue, training).

The import itself is the domain's service; this only ends the command the same way everywhere: on any
problem, roll back, list each one (`ligne N, colonne C : …`) on standard error and exit 1; on a dry run,
roll back and say so; otherwise commit.
"""

import sys

import click

from app.extensions import db


def conclude_import(problems: list[str], nothing_imported: str, dry_run: bool) -> None:
    """Roll back or commit the checked import; `nothing_imported` names what was not imported."""
    if problems:
        db.session.rollback()
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{nothing_imported} : {len(problems)} problème(s).", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo("Vérification seulement (rien n'a été écrit).")
    else:
        db.session.commit()
