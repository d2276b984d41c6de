"""`flask --app app training ...`: list modules, import sessions from CSV, record one session."""


import click
from flask.cli import AppGroup

from app.auth.models import Agent
from app.extensions import db
from app.files.importcli import conclude_import
from app.training.importing import import_training, parse_day
from app.training.queries import get_module_by_code, list_modules
from app.training.services import TrainingError, record_training

OPTION_NAMES = {"trained_on": "--on", "trainer": "--trainer", "module": "MODULE"}

training = AppGroup("training", help="Formation des agents : modules, sessions suivies.")


@training.command("modules")
def modules_command():
    """List the training modules: code, title, validity, active."""
    modules = list_modules()
    if not modules:
        click.echo("Aucun module (lancez `flask --app app reference load`).")
    for module in modules:
        validity = f"{module.validity_months} mois" if module.validity_months else "sans limite"
        state = "actif" if module.active else "désactivé"
        click.echo(f"{module.code:<18} {module.title} — validité : {validity} — {state}")


@training.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier et annoncer les ajouts sans rien écrire.")
def import_command(file, dry_run):
    """Record training sessions from a CSV file: login;module;trained_on[;trainer].

    UTF-8 with or without BOM, separated by `;` or `,`. All or nothing: if any line is wrong, nothing is
    imported, every problem is listed (`ligne N, colonne C : message`) and the exit status is 1. Sessions
    already recorded are skipped: importing the same file again adds nothing.
    """
    result = import_training(file.read(), dry_run=dry_run)
    conclude_import([] if result.ok else result.errors, "Aucune formation importée", dry_run)
    click.echo(result.summary())


@training.command("record")
@click.argument("login")
@click.argument("module")
@click.option("--on", "trained_on", required=True, metavar="AAAA-MM-JJ", help="Date de la session.")
@click.option("--trainer", default=None, help="Formateur ou organisme.")
def record_command(login, module, trained_on, trainer):
    """Record that agent LOGIN followed MODULE on the given day."""
    agent = db.session.execute(db.select(Agent).where(Agent.login == login)).scalar_one_or_none()
    if agent is None:
        raise click.UsageError(f"agent inconnu « {login} ».")
    found = get_module_by_code(module.strip().lower())
    if found is None:
        codes = ", ".join(m.code for m in list_modules())
        raise click.UsageError(f"module inconnu « {module} » (modules : {codes}).")
    try:
        day = parse_day(trained_on)
    except ValueError as exc:
        raise click.UsageError(f"--on : {exc}") from exc
    try:
        row, created = record_training(agent, found, day, trainer, source="command")
    except TrainingError as exc:
        raise click.UsageError(f"{OPTION_NAMES.get(exc.field, exc.field)} : {exc.message}") from exc
    db.session.commit()
    expiry = f"expire le {row.expires_on:%d/%m/%Y}" if row.expires_on else "sans limite de validité"
    verb = "enregistrée" if created else "déjà enregistrée"
    click.echo(f"Formation {found.code} de {agent.login} du {day:%d/%m/%Y} {verb} ; {expiry}.")
