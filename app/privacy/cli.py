"""`flask privacy ...`: apply the retention periods (or list what they would do)."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy.retention import apply_retention
from app.timeutil import to_paris

privacy = AppGroup("privacy", help="Données personnelles : durées de conservation.")


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Lister ce qui serait fait, sans rien modifier.")
def retention_command(dry_run):
    """Anonymise residents without contact for the configured period and purge old ticket notes."""
    plan = apply_retention(dry_run=dry_run)
    verb = "seraient" if dry_run else "ont été"
    click.echo(f"Usagers sans contact depuis le {to_paris(plan.resident_cutoff):%d/%m/%Y} : "
               f"{len(plan.residents)} {verb} anonymisés.")
    for resident_id, last in plan.residents:
        last_text = f"{to_paris(last):%d/%m/%Y}" if last else "jamais"
        click.echo(f"  usager n° {resident_id}\tdernier contact : {last_text}")
    click.echo(f"Tickets ouverts avant le {to_paris(plan.notes_cutoff):%d/%m/%Y} : notes de "
               f"{len(plan.note_ticket_ids)} ticket(s) {verb} effacées.")
    if dry_run:
        db.session.rollback()
        click.echo("Simulation : rien n'a été modifié.")
    else:
        db.session.commit()
