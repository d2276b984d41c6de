"""RQ jobs of the ticket list's XLSX exports: write one (id in, id out; the file lives on the export),
and purge the files past their time (a periodic job).

The rows are read by keyset batches (`queries.export_batches`) and written as they come, in constant
memory (`app.files.xlsxtable.write_table_workbook`); the file is stored in pieces. Nothing grows with the
number of rows but the file on disk and in the database.
"""

import logging
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app

from app.auth.access import ticket_visibility_clause
from app.channels.labels import OWNER_LABELS
from app.channels.models import Channel, Procedure, Site
from app.extensions import db
from app.files.xlsxtable import write_table_workbook
from app.jobs.queue import job_state, live_redis
from app.tickets.export import XLSX_COLUMNS
from app.tickets.export_models import (
    ACTIVE,
    ExportTooLargeError,
    TicketExport,
    TicketExportPart,
    export_job_id,
)
from app.tickets.labels import OPEN_STATUSES, STATUS_LABELS
from app.tickets.models import Ticket
from app.tickets.queries import TicketFilters, export_batches
from app.timeutil import to_paris, utcnow

logger = logging.getLogger(__name__)

JOB_TIMEOUT = 15 * 60
STUCK_AFTER = timedelta(seconds=JOB_TIMEOUT + 5 * 60)  # a job queued longer ago than this is not running any more
FORGOTTEN_AFTER = timedelta(days=30)  # an export's row (its filters, never a file) is deleted after this
PROGRESS_EVERY = 0.5  # seconds between two progress commits
BATCH_ROWS = 5000  # rows read by one statement
PART_BYTES = 1024 * 1024  # the file is stored (and read back) in pieces of this size
SHEET = "Tickets"
STUCK_MESSAGE = ("Le worker s'est arrêté avant la fin de cet export : aucun fichier n'a été produit. "
                 "Relancez l'export depuis la liste des tickets.")
FAILED_MESSAGE = ("L'export n° {export_id} a échoué à cause d'une erreur interne : aucun fichier n'a été produit. "
                  "Relancez-le ; si l'erreur persiste, prévenez l'administrateur.")


def memory_mb() -> dict:
    """This process's memory now and at its peak, in MB (VmRSS and VmHWM; ru_maxrss where /proc is absent)."""
    values = {}
    try:
        with open("/proc/self/status") as status:
            values = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmRSS", "VmHWM"))}
    except OSError:
        pass
    peak = values.get("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rss_mb": round(values.get("VmRSS", peak) / 1024, 1), "peak_mb": round(peak / 1024, 1)}


def _name(model, ident, every: str) -> str:
    row = db.session.get(model, ident) if ident else None
    return row.label if row is not None else every


def filter_lines(filters: dict) -> list[tuple[str, str]]:
    """An export's filters (`TicketFilters.to_params`) as people read them: (label, value) lines."""
    statuses = tuple(filters.get("statuses") or ())
    if not statuses:
        status = "Tous"
    elif statuses == OPEN_STATUSES:
        status = "En cours (ouvert, en cours, en attente)"
    else:
        status = ", ".join(STATUS_LABELS.get(s, s) for s in statuses)
    days = {key: f"{filters[key][8:10]}/{filters[key][5:7]}/{filters[key][:4]}" if filters.get(key) else "—"
            for key in ("date_from", "date_to")}
    return [("Canal", _name(Channel, filters.get("channel_id"), "Tous")),
            ("Site", _name(Site, filters.get("site_id"), "Tous")), ("Statut", status),
            ("Démarche", _name(Procedure, filters.get("procedure_id"), "Toutes")),
            ("Porteur", OWNER_LABELS.get(filters.get("owner") or "", "Tous")),
            ("Ouverts du", days["date_from"]), ("Ouverts jusqu'au", days["date_to"])]


def criteria_lines(export: TicketExport) -> list[tuple[str, str]]:
    """What the file holds, for its second sheet: when, for whom, which filters."""
    return [("Exporté le", f"{to_paris(utcnow()):%d/%m/%Y à %H:%M}"), ("Par", export.agent.name),
            ("Tickets", "ceux que cet agent peut ouvrir depuis la liste, du plus récent au plus ancien"),
            *filter_lines(export.filters)]


def _rows(export_id: int, filters: TicketFilters, limit: int, metrics: dict):
    """The list's rows, batch after batch, committing the count written every PROGRESS_EVERY seconds.

    Raises ExportTooLargeError past `limit` (tickets added since the list was counted).
    """
    written, last = 0, time.monotonic()
    batches = export_batches(filters, BATCH_ROWS)
    while True:
        started = time.perf_counter()
        batch = next(batches, None)
        metrics["query_seconds"] += time.perf_counter() - started
        if batch is None:
            return
        written += len(batch)
        if written > limit:
            raise ExportTooLargeError(limit)
        yield from batch
        if time.monotonic() - last >= PROGRESS_EVERY:
            db.session.execute(db.update(TicketExport).where(TicketExport.id == export_id).values(rows_written=written))
            db.session.commit()
            last = time.monotonic()


def _store(export_id: int, path: Path) -> int:
    """Keep the file in the database, PART_BYTES at a time; returns its size."""
    size, number = 0, 0
    with path.open("rb") as source:
        while chunk := source.read(PART_BYTES):
            db.session.execute(db.insert(TicketExportPart).values(export_id=export_id, number=number, data=chunk))
            size, number = size + len(chunk), number + 1
    return size


def _fail(export_id: int, message: str) -> None:
    db.session.execute(db.delete(TicketExportPart).where(TicketExportPart.export_id == export_id))
    keep = timedelta(hours=current_app.config["TICKET_EXPORT_KEEP_HOURS"])
    db.session.execute(db.update(TicketExport).where(TicketExport.id == export_id).values(
        status="failed", finished_at=utcnow(), expires_at=utcnow() + keep, error=message))
    db.session.commit()


def perform_ticket_export(export_id: int) -> int | None:
    """Write the export's XLSX (the list's tickets the agent may open now) and keep it until it expires.

    A list grown past TICKET_XLSX_MAX_ROWS since it was counted marks the export failed with the
    reason (nothing is kept); any other failure marks it failed with a readable message and re-raises.
    Returns the export's id, or None when it is unknown or already done.
    """
    export = db.session.get(TicketExport, export_id)
    if export is None or export.status not in ACTIVE:
        return None
    started, memory = time.perf_counter(), memory_mb()
    export.status, export.started_at = "running", utcnow()
    filters = TicketFilters.from_params(export.filters, [ticket_visibility_clause(export.agent, Ticket)])
    about = criteria_lines(export)
    db.session.commit()
    metrics = {"query_seconds": 0.0, "start_rss_mb": memory["rss_mb"]}
    limit = current_app.config["TICKET_XLSX_MAX_ROWS"]
    try:
        with tempfile.TemporaryDirectory(prefix="relais-export-") as folder:
            path = Path(folder) / "tickets.xlsx"
            rows = write_table_workbook(str(path), SHEET, list(XLSX_COLUMNS), _rows(export_id, filters, limit, metrics),
                                        about=about)
            written = time.perf_counter()
            size = _store(export_id, path)
        finished = utcnow()
        metrics.update(seconds=round(time.perf_counter() - started, 2), store_seconds=round(time.perf_counter() - written, 2),
                       query_seconds=round(metrics["query_seconds"], 2), peak_memory_mb=memory_mb()["peak_mb"])
        db.session.execute(db.update(TicketExport).where(TicketExport.id == export_id).values(
            status="finished", finished_at=finished, rows_written=rows, byte_size=size, metrics=metrics,
            expires_at=finished + timedelta(hours=current_app.config["TICKET_EXPORT_KEEP_HOURS"])))
        db.session.commit()
    except ExportTooLargeError as exc:  # the agent's answer, not a fault of the job
        db.session.rollback()
        _fail(export_id, str(exc))
    except Exception:
        db.session.rollback()
        logger.exception("Export XLSX %s en échec", export_id)
        _fail(export_id, FAILED_MESSAGE.format(export_id=export_id))
        raise
    logger.info("Export XLSX %s : %s", export_id, metrics)
    return export_id


def run_ticket_export(export_id: int) -> int:
    """RQ job: `perform_ticket_export`; returns the export's id."""
    perform_ticket_export(export_id)
    return export_id


def _dead_running_exports() -> set[int]:
    """The running exports whose worker died, as the reapers decide (`app.jobs.queue.job_state`): failed at the
    next purge rather than after STUCK_AFTER. Without Redis, exports run in the request: none."""
    connection = live_redis()
    if connection is None:
        return set()
    running = db.session.execute(db.select(TicketExport.id).where(TicketExport.status == "running")).scalars()
    return {export_id for export_id in running
            if job_state(connection, export_job_id(export_id)) in ("dead", "failed", "missing", "done")}


def purge_ticket_exports(now=None) -> dict:
    """Delete the files past their time (the export says so), mark jobs that died as failed, and forget
    exports a month old. Returns the counts; the caller commits."""
    now = now or utcnow()
    forgotten = set(db.session.execute(db.select(TicketExport.id).where(
        TicketExport.queued_at <= now - FORGOTTEN_AFTER)).scalars())
    expired = set(db.session.execute(db.select(TicketExport.id).where(
        TicketExport.status.in_(("finished", "failed")), TicketExport.expires_at <= now)).scalars()) - forgotten
    stuck = set(db.session.execute(db.select(TicketExport.id).where(
        TicketExport.status.in_(ACTIVE), TicketExport.queued_at <= now - STUCK_AFTER)).scalars())
    stuck = (stuck | _dead_running_exports()) - forgotten
    gone = expired | stuck | forgotten
    if gone:
        db.session.execute(db.delete(TicketExportPart).where(TicketExportPart.export_id.in_(gone)))
    if expired:
        db.session.execute(db.update(TicketExport).where(TicketExport.id.in_(expired), TicketExport.status == "finished")
                           .values(status="expired"))
    if stuck:
        db.session.execute(db.update(TicketExport).where(TicketExport.id.in_(stuck)).values(
            status="failed", finished_at=now, error=STUCK_MESSAGE))
    if forgotten:
        db.session.execute(db.delete(TicketExport).where(TicketExport.id.in_(forgotten)))
    return {"expired": len(expired), "stuck": len(stuck), "forgotten": len(forgotten)}


def purge_ticket_exports_job() -> dict:
    """Periodic job (`app.jobs.schedules`): `purge_ticket_exports`, committed."""
    counts = purge_ticket_exports()
    db.session.commit()
    if any(counts.values()):
        logger.info("Exports XLSX purgés : %s", counts)
    return counts
