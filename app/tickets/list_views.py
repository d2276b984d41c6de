"""Ticket lists: mine, my site's queue, search with filters; CSV export, XLSX export asked for a worker.
Keyset pages, no COUNT."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from app.auth.access import TICKET_LIST_ROLES, ticket_visibility_clause
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels.queries import list_active_channels, list_active_procedures, list_active_sites
from app.extensions import db
from app.jobs.queue import enqueue_row_job
from app.tickets.blueprint import procedure_label
from app.tickets.export import csv_chunks
from app.tickets.export_models import ExportTooLargeError
from app.tickets.export_runs import enqueue_ticket_export, request_ticket_export
from app.tickets.forms import TicketSearchForm, choices
from app.tickets.labels import OPEN_STATUSES, STATUS_LABELS
from app.tickets.models import Ticket
from app.tickets.queries import TicketFilters, export_rows, page_of_tickets, valid_statuses
from app.tickets.reads import record_ticket_export


def _render_list(title: str, filters: TicketFilters, endpoint: str, oldest_first: bool = False, form=None,
                 intro: str = "", xlsx_limit: int | None = None):
    page = page_of_tickets(filters, cursor=request.args.get("after"), before=request.args.get("before"),
                           per_page=current_app.config["TICKETS_PER_PAGE"], oldest_first=oldest_first)
    # The route's own arguments (e.g. resident_id) too, or the next-page link cannot be built; never a name
    # that url_for reads itself (`endpoint`, `_external`, `_scheme`...).
    args = {**(request.view_args or {}), **{k: v for k, v in request.args.items()
                                            if k not in ("after", "before", "endpoint") and not k.startswith("_")}}
    return render_template("tickets/list.html", title=title, page=page, endpoint=endpoint, args=args,
                           form=form, intro=intro, status_labels=STATUS_LABELS, xlsx_limit=xlsx_limit)


@role_required(*TICKET_LIST_ROLES)
def my_tickets():
    """Mes tickets ouverts: tickets whose agent is me, not closed yet, newest first."""
    if current_user.role == "manager":
        return redirect(url_for("tickets.search"))
    filters = TicketFilters(agent_id=current_user.id, statuses=OPEN_STATUSES,
                            extra=[ticket_visibility_clause(current_user, Ticket)])
    return _render_list("Mes tickets ouverts", filters, "tickets.my_tickets")


@role_required(*TICKET_LIST_ROLES)
def site_queue():
    """File de mon site: the site's tickets still to deal with, oldest first."""
    if current_user.site_id is None:
        abort(403)
    statuses = valid_statuses(request.args.getlist("status")) or OPEN_STATUSES
    filters = TicketFilters(site_id=current_user.site_id, statuses=statuses,
                            extra=[ticket_visibility_clause(current_user, Ticket)])
    return _render_list(f"File de mon site — {current_user.site.label}", filters, "tickets.site_queue",
                        oldest_first=True, intro="Du plus ancien au plus récent.")


def _search_form() -> TicketSearchForm:
    form = TicketSearchForm(request.args)
    form.channel_id.choices = choices([("", "Tous")] + [(c.id, c.label) for c in list_active_channels()])
    form.site_id.choices = choices([("", "Tous")] + [(s.id, s.label) for s in list_active_sites()])
    procedures = [(p.id, procedure_label(p)) for p in list_active_procedures()]
    form.procedure_id.choices = choices([("", "Toutes")] + procedures)
    return form


def _search_filters(form) -> TicketFilters:
    status = form.status.data or ""
    statuses = OPEN_STATUSES if status == "active" else valid_statuses([status])
    form.validate()  # a date that does not parse is None; a reversed period is kept: it finds nothing, and says why
    return TicketFilters(
        channel_id=form.channel_id.data, site_id=form.site_id.data, statuses=statuses,
        procedure_id=form.procedure_id.data, owner=form.owner.data or None,
        date_from=form.date_from.data, date_to=form.date_to.data,
        extra=[ticket_visibility_clause(current_user, Ticket)])


@role_required(*TICKET_LIST_ROLES)
def search():
    """Search with filters (channel, site, status, procedure, owner City/State, period), newest first."""
    try:
        form = _search_form()
        filters = _search_filters(form)
    except ValueError:
        abort(400)
    return _render_list("Rechercher des tickets", filters, "tickets.search", form=form,
                        xlsx_limit=current_app.config["TICKET_XLSX_MAX_ROWS"]), 400 if form.date_from.errors or form.date_to.errors else 200


@role_required(*TICKET_LIST_ROLES)
def export():
    """The search's tickets as CSV for French Excel (UTF-8 with BOM, semicolons, labels, Paris time), streamed;
    cells never run as formulas."""
    try:
        filters = _search_filters(_search_form())
    except ValueError:
        abort(400)
    record_ticket_export(request_actor(), dict(request.args.items()))
    db.session.commit()
    headers = {"Content-Disposition": "attachment; filename=tickets.csv"}
    return Response(stream_with_context(csv_chunks(export_rows(filters))), mimetype="text/csv", headers=headers)


@role_required(*TICKET_LIST_ROLES)
def export_xlsx():
    """Ask for the search's tickets as an XLSX file (the same filters and visibility as the CSV), written by a
    worker; a list longer than TICKET_XLSX_MAX_ROWS is refused at once, with the CSV offered instead."""
    try:
        filters = _search_filters(_search_form())
    except ValueError:
        abort(400)
    query = {k: v for k, v in request.args.items() if k in TicketSearchForm.FIELDS}  # the list's filters only
    try:
        export = request_ticket_export(current_user, filters, query)
    except ExportTooLargeError as exc:
        db.session.rollback()
        return render_template("tickets/export_refused.html", message=str(exc),
                               csv_url=url_for("tickets.export", **query),
                               list_url=url_for("tickets.search", **query)), 409
    db.session.commit()  # the export exists before a worker looks for it
    enqueue_row_job(enqueue_ticket_export, export, "export XLSX")
    return redirect(url_for("tickets.export_run", export_id=export.id), 303)


@login_required
def resident_list(resident_id: int):
    """The tickets of one resident that the agent may open (the 360° page shows them all)."""
    if current_user.role not in TICKET_LIST_ROLES:
        abort(403)
    filters = TicketFilters(resident_id=resident_id, extra=[ticket_visibility_clause(current_user, Ticket)])
    return _render_list("Tickets de l'usager", filters, "tickets.resident_list")


def register(bp: Blueprint) -> None:
    """Put the lists and the export on the tickets blueprint."""
    bp.add_url_rule("/mine", view_func=my_tickets)
    bp.add_url_rule("/queue", view_func=site_queue)
    bp.add_url_rule("/search", view_func=search)
    bp.add_url_rule("/export.csv", view_func=export)
    bp.add_url_rule("/exports", view_func=export_xlsx, methods=["POST"])
    bp.add_url_rule("/resident/<int:resident_id>", view_func=resident_list)
