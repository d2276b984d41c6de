"""XLSX exports of a ticket list: asked for on the list, written by a job, downloaded by their agent.

`request_ticket_export` counts the matching tickets (no further than the limit) and refuses, before
anything is kept, a list larger than TICKET_XLSX_MAX_ROWS: the CSV has no limit. The same agent asking
for the same filters while a job runs gets that job's export. `enqueue_ticket_export` hands the
committed export to the worker (in-process without Redis, as every job); `export_file_parts` reads
its file back piece by piece. The periodic purge is in `export_tasks`.
"""

import hashlib
import json

from flask import current_app

from app.config import QUEUE_REPORTS
from app.extensions import db
from app.jobs.queue import enqueue
from app.tickets.export_models import (
    ACTIVE,
    ExportTooLargeError,
    TicketExport,
    TicketExportPart,
    export_job_id,
)
from app.tickets.export_tasks import JOB_TIMEOUT, run_ticket_export
from app.tickets.queries import TicketFilters, count_tickets
from app.timeutil import to_paris, utcnow

RESULT_TTL = 300  # the database is the record: Redis keeps the job briefly
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filters_key(params: dict) -> str:
    """The identity of a list's filters (the same ask twice is one job)."""
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def active_export(agent, key: str) -> TicketExport | None:
    """This agent's export of these filters that a job is still writing, if any."""
    return db.session.execute(
        db.select(TicketExport).where(TicketExport.agent_id == agent.id, TicketExport.filters_key == key,
                                      TicketExport.status.in_(ACTIVE))
        .order_by(TicketExport.id.desc()).limit(1)).scalar_one_or_none()


def request_ticket_export(agent, filters: TicketFilters, query: dict) -> TicketExport:
    """Keep a queued export of the list `filters` (its visibility clause included) selects for `agent`.

    Raises ExportTooLargeError, before anything is kept, when more than TICKET_XLSX_MAX_ROWS tickets
    match. Returns the running export of the same filters when there is one. The caller commits, then
    enqueues.
    """
    params = filters.to_params()
    key = filters_key(params)
    running = active_export(agent, key)
    if running is not None:
        return running
    limit = current_app.config["TICKET_XLSX_MAX_ROWS"]
    count = count_tickets(filters, limit + 1)
    if count > limit:
        raise ExportTooLargeError(limit)
    export = TicketExport(agent_id=agent.id, filters=params, filters_key=key, query=dict(query), status="queued",
                          rows_total=count, rows_written=0, byte_size=0, metrics={},
                          file_name=f"tickets-{to_paris(utcnow()):%Y%m%d-%H%M}.xlsx")
    db.session.add(export)
    db.session.flush()
    return export


def enqueue_ticket_export(export: TicketExport):
    """Hand a committed export to a reports worker (deterministic job id); without Redis it runs here, now."""
    return enqueue(run_ticket_export, export.id, queue=QUEUE_REPORTS, job_id=export_job_id(export.id),
                   job_timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=7 * 24 * 3600)


def get_export_of(agent, export_id: int) -> TicketExport | None:
    """The export, if it is this agent's (an export is read by the agent who asked for it only)."""
    export = db.session.get(TicketExport, export_id)
    return export if export is not None and export.agent_id == agent.id else None


def file_available(export: TicketExport) -> bool:
    return export.status == "finished" and export.expires_at is not None and export.expires_at > utcnow()


def export_file_parts(export_id: int):
    """The export's file, piece by piece (one read each: the whole file is never in memory)."""
    number = 0
    while True:
        data = db.session.execute(db.select(TicketExportPart.data).where(
            TicketExportPart.export_id == export_id, TicketExportPart.number == number)).scalar_one_or_none()
        if data is None:
            return
        yield data
        number += 1
