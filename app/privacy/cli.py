"""`flask privacy ...`: apply the retention periods (or list what they would do); find and mask stored
card numbers."""

import click
from flask.cli import AppGroup

from app.audit.actor import Actor
from app.extensions import db
from app.privacy.cardscan import mask_stored_card_numbers, scan_card_numbers
from app.privacy.logscan import LogScanError, scan_logs
from app.privacy.retention import apply_retention
from app.timeutil import to_paris

privacy = AppGroup("privacy", help="Données personnelles : durées de conservation, numéros de carte stockés.")


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Lister ce qui serait fait, sans rien modifier.")
def retention_command(dry_run):
    """Anonymise residents without contact for the configured period and purge old ticket notes."""
    plan = apply_retention(dry_run=dry_run, actor=Actor.system())
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


@privacy.command("scan-cards")
@click.option("--mask", is_flag=True,
              help="Masquer chaque numéro trouvé, en une transaction tracée dans le journal d'audit.")
@click.option("--logs", is_flag=True,
              help="Lire les journaux PATH… (fichiers, dossiers, .gz ; « - » : l'entrée standard) au lieu de la base.")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.pass_context
def scan_cards_command(ctx, mask, logs, paths):
    """Find card numbers stored in any text column of any table, or with --logs in log files (exit status 1
    when one is found; 2 when a log could not be read).

    Prints table, row id and column of each value holding one, or file:line of each log line, never the
    number itself.
    """
    if logs or paths:
        _scan_log_files(ctx, mask, logs, paths)
        return
    hits = scan_card_numbers()
    for hit in hits:
        click.echo(str(hit))
    if not hits:
        db.session.rollback()
        click.echo("Aucun numéro de carte trouvé.")
        return
    if mask:
        masked = mask_stored_card_numbers(hits, Actor.system("cli"))
        db.session.commit()
        click.echo(f"{len(hits)} valeur(s) contenaient un numéro de carte : {masked} masquée(s).")
    else:
        db.session.rollback()
        click.echo(f"{len(hits)} valeur(s) contiennent un numéro de carte. Relancez avec --mask pour les masquer.")
    ctx.exit(1)


def _scan_log_files(ctx, mask: bool, logs: bool, paths: tuple[str, ...]) -> None:
    if not logs:
        raise click.UsageError("Des chemins de journaux se lisent avec --logs : scan-cards --logs PATH…")
    if mask:
        raise click.UsageError("--mask ne s'applique qu'à la base : un journal n'est jamais réécrit ; faites-le "
                               "tourner ou supprimez-le.")
    if not paths:
        raise click.UsageError("--logs : indiquez au moins un fichier ou un dossier de journaux (ou « - »).")
    try:
        scan = scan_logs(list(paths))
    except LogScanError as exc:
        raise click.UsageError(str(exc)) from exc
    for hit in scan.hits:
        click.echo(str(hit))
    for problem in scan.unreadable:
        click.echo(problem, err=True)
    read = f"{scan.lines} ligne(s) lue(s) dans {scan.files} fichier(s)"
    if scan.hits:
        click.echo(f"{len(scan.hits)} ligne(s) de journal contiennent un numéro de carte ({read}).")
        ctx.exit(1)
    click.echo(f"Aucun numéro de carte trouvé dans les journaux ({read}).")
    if scan.unreadable:
        ctx.exit(2)
