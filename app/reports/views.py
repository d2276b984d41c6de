"""Dashboards for managers: ask for a run, follow it, read charts and tables, download exports."""

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from app.audit.services import record
from app.auth.access import REPORT_READERS
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.channels.queries import list_active_channels, list_active_sites
from app.extensions import db
from app.jobs.queue import redis_available
from app.reports.forms import PILOT_PERIOD, DashboardForm, last_12_months, period_presets
from app.reports.freshness import facts_label, freshness_summary
from app.reports.labels import heading, summary_label, table_label
from app.reports.models import ReportRun
from app.reports.params import ReportError, ReportParams
from app.reports.present import stored_for_people
from app.reports.queries import get_result, get_run, has_facts, recent_runs, run_file, run_files
from app.reports.registry import REPORTS
from app.reports.services import max_in_process_days, request_run
from app.reports.tables import format_value
from app.timeutil import paris_day, to_paris, utcnow

bp = Blueprint("reports", __name__, url_prefix="/reports")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _day_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _form(presets) -> DashboardForm:
    reports = [(name, spec.title) for name, spec in REPORTS.items()]
    form = DashboardForm().set_choices([(s.code, s.label) for s in list_active_sites()],
                                       [(c.code, c.label) for c in list_active_channels()], reports)
    if not form.is_submitted():
        form.reports.data = list(REPORTS)
        today = paris_day(utcnow())
        # Demo data only (the pilot, years ago): open on the pilot rather than on empty months.
        pilot_only = any(start == PILOT_PERIOD[0] for _l, start, _e in presets) and not has_facts(
            *last_12_months(today))
        form.default_period(today, _day_arg("du"), _day_arg("au"), fallback=PILOT_PERIOD if pilot_only else None)
    return form


def _presets() -> list[tuple[str, date, date]]:
    return period_presets(paris_day(utcnow()), with_pilot=has_facts(*PILOT_PERIOD))


@bp.route("/", methods=["GET", "POST"])
@role_required(*REPORT_READERS)
def dashboard():
    presets = _presets()
    form, service_up = _form(presets), redis_available()
    if form.validate_on_submit():
        try:
            params = ReportParams(form.date_from.data, form.date_to.data, form.sites.data, form.channels.data)
            if not service_up and (params.end - params.start).days + 1 > max_in_process_days():
                raise ReportError("Service de calcul indisponible : choisissez une période de deux ans au plus.")
            run = request_run(form.reports.data, params, agent=current_user._get_current_object())
            return redirect(url_for("reports.run", run_id=run.id), code=303)
        except ReportError as exc:
            form.date_to.errors = [*form.date_to.errors, str(exc)]
    return render_template("reports/dashboard.html", form=form, runs=recent_runs(), service_up=service_up,
                           reports=REPORTS, presets=presets, site_names=dict(form.sites.choices),
                           channel_names=dict(form.channels.choices),
                           freshness=freshness_summary(current_app)), 200 if not form.errors else 422


def _run_or_404(run_id: int) -> ReportRun:
    return get_run(run_id) or abort(404)


@bp.route("/runs/<int:run_id>")
@role_required(*REPORT_READERS)
def run(run_id):
    report_run = _run_or_404(run_id)
    files = run_files(run_id)
    try:
        params = ReportParams.from_dict(report_run.params)
        start, end = params.start, params.end
    except ReportError:  # a run stored without its period: tables without the partial-week count
        start = end = None
    tables = {result.id: stored_for_people(result.data, start, end) for result in report_run.results}
    names = next((r.data.get("names") for r in report_run.results if r.data.get("names")), {})
    return render_template("reports/run.html", run=report_run, files=files, reports=REPORTS, tables=tables,
                           names=names, run_title=run_title(report_run))


def run_title(report_run: ReportRun) -> str:
    """What a run holds: its report's title, or how many of the dashboard's reports."""
    if report_run.name in REPORTS:
        return REPORTS[report_run.name].title
    count = len(report_run.params.get("reports") or REPORTS)
    return "tableau de bord complet" if count == len(REPORTS) else f"tableau de bord ({count} rapports)"


@bp.route("/runs/<int:run_id>/status")
@role_required(*REPORT_READERS)
def run_status(run_id):
    report_run = _run_or_404(run_id)
    return jsonify(status=report_run.status, progress=report_run.progress, error=report_run.error)


@bp.route("/runs/<int:run_id>/charts/<int:result_id>.svg")
@role_required(*REPORT_READERS)
def chart(run_id, result_id):
    result = get_result(run_id, result_id)
    if result is None or not result.chart_svg:
        abort(404)
    return result.chart_svg, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/runs/<int:run_id>/export.<fmt>")
@role_required(*REPORT_READERS)
def export(run_id, fmt):
    exported = run_file(run_id, fmt)
    if exported is None or fmt not in MIMETYPES:
        abort(404)
    record("report.export", request_actor(), object_type="report_run", object_id=run_id,
           detail={"format": fmt})
    db.session.commit()
    return send_file(io.BytesIO(exported.content), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=exported.filename)


RUN_STATUS_LABELS = {"queued": "en attente", "running": "en cours", "finished": "terminé", "failed": "en échec"}


@bp.app_template_filter("run_status")
def run_status_label(status: str) -> str:
    return RUN_STATUS_LABELS.get(status, status)


@bp.app_template_filter("report_datetime")
def report_datetime(value) -> str:
    return to_paris(value).strftime("%d/%m/%Y %H:%M") if value else "—"


@bp.app_template_filter("iso_date")
def iso_date(value: str) -> str:
    """'2017-01-31' -> '31/01/2017'."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


@bp.app_template_filter("capitalize_first")
def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


bp.add_app_template_filter(facts_label, "facts_label")

bp.add_app_template_filter(heading, "report_heading")
bp.add_app_template_filter(format_value, "report_value")
bp.add_app_template_filter(summary_label, "summary_label")
bp.add_app_template_filter(table_label, "table_label")
bp.add_app_template_global(run_title, "run_title")
