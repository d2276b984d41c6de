"""An XLSX export of a ticket list: its page (progress, then the download link), its status, its file.

Only the agent who asked for an export sees it (another gets 404); it is asked for on the list
(`list_views.export_xlsx`).
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.auth.access import TICKET_LIST_ROLES
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.extensions import db
from app.tickets.export_models import EXPORT_STATUS_LABELS, TicketExport
from app.tickets.export_runs import XLSX_MIMETYPE, export_file_parts, file_available, get_export_of
from app.tickets.export_tasks import filter_lines
from app.tickets.reads import record_ticket_export
from app.web.filters import french_count


def _own_export_or_404(export_id: int) -> TicketExport:
    export = get_export_of(current_user, export_id)
    if export is None:
        abort(404)
    return export


def _page(export: TicketExport, status: int = 200):
    return render_template("tickets/export_run.html", export=export, statuses=EXPORT_STATUS_LABELS,
                           criteria=filter_lines(export.filters), available=file_available(export),
                           keep_hours=current_app.config["TICKET_EXPORT_KEEP_HOURS"],
                           limit=current_app.config["TICKET_XLSX_MAX_ROWS"],
                           csv_url=url_for("tickets.export", **export.query),
                           list_url=url_for("tickets.search", **export.query)), status


@role_required(*TICKET_LIST_ROLES)
def export_run(export_id: int):
    """An export: rows written while the job works, then the download link and until when the file is kept."""
    return _page(_own_export_or_404(export_id))


@role_required(*TICKET_LIST_ROLES)
def export_run_status(export_id: int):
    """The export's progress as JSON, for the page's progress bar."""
    export = _own_export_or_404(export_id)
    counts = [["Lignes écrites : ", False], [french_count(export.rows_written), True],
              [f" sur {french_count(export.rows_total)}.", False]]
    return jsonify(status=export.status, status_label=EXPORT_STATUS_LABELS[export.status],
                   rows_written=export.rows_written, rows_total=export.rows_total, percent=export.percent, counts=counts)


@role_required(*TICKET_LIST_ROLES)
def export_download(export_id: int):
    """The export's file, streamed piece by piece; audited like the CSV export. A deleted file: 410 and why."""
    export = _own_export_or_404(export_id)
    if not file_available(export):
        return _page(export, 410)
    record_ticket_export(request_actor(), export.query, format="xlsx", export=export.id)
    db.session.commit()
    headers = {"Content-Disposition": f"attachment; filename={export.file_name}",
               "Content-Length": str(export.byte_size)}
    return Response(stream_with_context(export_file_parts(export.id)), mimetype=XLSX_MIMETYPE, headers=headers)


def register(bp: Blueprint) -> None:
    """Put the export pages on the tickets blueprint."""
    bp.add_url_rule("/exports/<int:export_id>", view_func=export_run)
    bp.add_url_rule("/exports/<int:export_id>/status", view_func=export_run_status)
    bp.add_url_rule("/exports/<int:export_id>/download", view_func=export_download)
