"""`flask reference load`: reference data, idempotent."""

import click
from flask.cli import AppGroup

from app.channels.reference import load_reference
from app.extensions import db

reference = AppGroup("reference", help="Données de référence : canaux, sites, dispositifs, démarches.")


@reference.command("load")
def load_command():
    """Create or update channels, sites, devices and the procedure catalogue (idempotent)."""
    counts = load_reference()
    db.session.commit()
    total = sum(counts.values())
    detail = ", ".join(f"{name} : {n}" for name, n in counts.items())
    click.echo(f"Référentiels à jour ({total} modification(s) — {detail}).")
