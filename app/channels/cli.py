"""`flask reference ...`: load the shipped reference data; import and export the procedure catalogue."""


import click
from flask.cli import AppGroup

from app.audit.actor import Actor
from app.channels.catalogue_csv import export_catalogue, import_catalogue
from app.channels.reference import load_reference
from app.extensions import db
from app.files.importcli import conclude_import
from app.training.reference import load_training_reference

reference = AppGroup("reference", help="Données de référence : canaux, sites, dispositifs, démarches.")


@reference.command("load")
@click.option("--overwrite", is_flag=True,
              help="Remettre les valeurs livrées sur les lignes livrées (écrase les modifications faites "
                   "depuis l'administration ; l'état actif/désactivé n'est jamais touché).")
def load_command(overwrite):
    """Create the missing channels, sites, devices, procedures and training modules (idempotent).

    By default, rows that already exist are left as they are: an admin's later edits (labels, channel rules,
    a site's devices, a procedure's dates) survive every deploy. --overwrite restores the shipped values.
    """
    counts = load_reference(overwrite=overwrite)
    counts |= {f"formation, {name}": n for name, n in load_training_reference().items()}
    db.session.commit()
    total = sum(counts.values())
    detail = ", ".join(f"{name} : {n}" for name, n in counts.items())
    click.echo(f"Référentiels à jour ({total} modification(s) — {detail}).")


@reference.command("import-catalogue")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier et annoncer les changements sans rien écrire.")
def import_catalogue_command(file, dry_run):
    """Create or update procedures from a CSV file (format: docs/catalogue-format.md).

    All or nothing: if any line is wrong, nothing is imported and every problem is listed
    (`ligne N, colonne C : message`) and the exit status is 1. Procedures absent from the file are kept.
    """
    report = import_catalogue(file.read(), dry_run=dry_run, actor=Actor.system())
    conclude_import([] if report.ok else report.problems, "Aucune démarche importée", dry_run)
    for code in report.created:
        click.echo(f"  + {code}")
    for code, columns in report.updated.items():
        click.echo(f"  ~ {code} ({', '.join(columns)})")
    click.echo(report.summary())


@reference.command("export-catalogue")
@click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True,
              help="Séparateur de colonnes (« ; » : Excel en français).")
def export_catalogue_command(file, separator):
    """Write the whole catalogue (active or not) as CSV to FILE, or to standard output.

    A file gets a UTF-8 byte order mark so that Excel reads the accents; standard output gets none.
    """
    if file:
        with open(file, "w", encoding="utf-8", newline="") as out:
            out.write(export_catalogue(separator=separator, bom=True))
        click.echo(f"Catalogue écrit dans {file}.", err=True)
    else:
        click.echo(export_catalogue(separator=separator, bom=False), nl=False)
