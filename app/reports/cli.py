"""`flask --app app report ...`: list the reports, run one, rebuild the daily facts."""

import json
import secrets
import sys
import time
from datetime import date, timedelta

import click
from flask.cli import AppGroup

from app.extensions import db
from app.reports.exports import frame_csv
from app.reports.facts.rebuild import rebuild_facts, ticket_day_range
from app.reports.freshness import facts_label
from app.reports.models import ReportRun
from app.reports.params import ReportError, ReportParams
from app.reports.queries import resolve_filters
from app.reports.registry import REPORTS
from app.reports.services import DASHBOARD, request_run, run_spec
from app.reports.tasks import compute_run

report = AppGroup("report", help="Tableaux de bord : rapports et faits quotidiens.")


def fail(message: str):
    """One line on standard error, exit status 1."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} : date invalide « {value} » (format attendu AAAA-MM-JJ).")


@report.command("list")
def list_command():
    """List the reports that can be run."""
    for name, spec in REPORTS.items():
        click.echo(f"{name:<18} {spec.title}")
    click.echo(f"{DASHBOARD:<18} Tous les rapports (tableau de bord du programme)")


def _records(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]


def _output(run: ReportRun, fmt: str) -> str:
    outputs = {r.report: r.data for r in run.results}
    if fmt == "json":
        flat = {name: {**data["summary"], **{t: _records(v) for t, v in data["tables"].items()}}
                for name, data in outputs.items()}
        body = flat[run.name] if run.name in flat else flat
        return json.dumps(body, ensure_ascii=False, indent=2)
    import pandas as pd

    parts = []
    for name, data in outputs.items():
        parts.append(f"# {name}\n" + frame_csv(pd.DataFrame(list(data["summary"].items()),
                                                            columns=["indicator", "value"])))
        for table_name, table in data["tables"].items():
            parts.append(f"# {name} {table_name}\n" + frame_csv(pd.DataFrame(table["rows"], columns=table["columns"])))
    return "\n".join(parts)


def _wait(run_id: int, timeout: int) -> ReportRun:
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        run = db.session.get(ReportRun, run_id)
        if run.status in ("finished", "failed") or time.monotonic() > deadline:
            return run
        time.sleep(0.3)


@report.command("run")
@click.argument("name")
@click.option("--from", "start", required=True, help="Premier jour (AAAA-MM-JJ, heure de Paris).")
@click.option("--to", "end", required=True, help="Dernier jour inclus (AAAA-MM-JJ).")
@click.option("--site", "sites", multiple=True, help="Code d'un site (répétable).")
@click.option("--channel", "channels", multiple=True, help="Code d'un canal (répétable).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--queue", is_flag=True, help="Passer par Redis et un worker, et attendre le résultat.")
@click.option("--timeout", default=600, show_default=True, help="Attente maximale avec --queue (secondes).")
def run_command(name, start, end, sites, channels, fmt, queue, timeout):
    """Run report NAME (or `dashboard` for all) over a period and print it.

    The daily facts are first brought up to date, with or without a worker; standard error ends
    with « Données à jour au JJ/MM/AAAA HH:MM » (Paris time).
    """
    if name != DASHBOARD and name not in REPORTS:
        fail(f"rapport inconnu « {name} » (voir `flask report list`).")
    try:
        params = ReportParams(_day(start, "--from"), _day(end, "--to"), sites, channels)
        resolve_filters(params)
        reports = None if name == DASHBOARD else [name]
        if queue:
            run = _wait(request_run(reports, params).id, timeout)
        else:
            run_name, stored = run_spec(reports, params)
            run = ReportRun(name=run_name, params=stored, params_key=secrets.token_hex(20), status="queued")
            db.session.add(run)
            db.session.commit()
            compute_run(run.id)
            run = db.session.get(ReportRun, run.id)
    except ReportError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the run already holds the readable reason
        fail(f"le calcul a échoué ({exc.__class__.__name__}).")
    if run.status != "finished":
        fail(run.error or f"le calcul n'est pas terminé (état : {run.status}).")
    click.echo(_output(run, fmt))
    label = facts_label(run.facts_at)
    click.echo(label[0].upper() + label[1:] + ".", err=True)  # stdout stays the JSON or CSV


@report.command("rebuild-facts")
@click.option("--from", "start", help="Premier jour (défaut : le premier ticket).")
@click.option("--to", "end", help="Dernier jour inclus (défaut : le dernier ticket).")
def rebuild_command(start, end):
    """Rebuild the daily facts of a period (idempotent), a month per transaction."""
    bounds = ticket_day_range()
    first = _day(start, "--from") or (bounds[0] if bounds else None)
    last = _day(end, "--to") or (bounds[1] if bounds else None)
    if first is None or last is None:
        click.echo("Aucun ticket : rien à reconstruire.")
        return
    if first > last:
        fail("--from est postérieur à --to.")
    started, day = time.monotonic(), first
    while day <= last:
        chunk_end = min(last, day + timedelta(days=30))
        rebuild_facts(day, chunk_end)
        db.session.commit()
        day = chunk_end + timedelta(days=1)
    click.echo(f"Faits reconstruits du {first} au {last} en {time.monotonic() - started:.1f} s.")
