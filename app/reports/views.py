"""Dashboards for managers: ask for a run, follow it, read charts and tables, download exports."""

import io

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user

from app.audit.services import record
from app.auth.guards import role_required
from app.extensions import db
from app.jobs import redis_available
from app.main.views import add_home_action
from app.reports.forms import DashboardForm
from app.reports.models import ReportFile, ReportResult, ReportRun
from app.reports.params import ReportError, ReportParams
from app.reports.queries import channel_choices, recent_runs, site_choices
from app.reports.registry import REPORTS
from app.reports.services import max_in_process_days, request_run
from app.reports.tables import SUMMARY_LABELS, TABLE_LABELS, format_value, heading
from app.timeutil import paris_day, utcnow

bp = Blueprint("reports", __name__, url_prefix="/reports")
MANAGERS = ("manager", "admin")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

add_home_action(MANAGERS, "Tableaux de bord", "reports.dashboard",
                "Volumes, part de l'État, canaux, démarches : graphiques, tableaux et exports.")


def _form() -> DashboardForm:
    reports = [(name, spec.title) for name, spec in REPORTS.items()]
    form = DashboardForm().set_choices(site_choices(), channel_choices(), reports)
    if not form.is_submitted():
        form.reports.data = list(REPORTS)
        form.default_period(paris_day(utcnow()))
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(*MANAGERS)
def dashboard():
    form, service_up = _form(), redis_available()
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
                           reports=REPORTS), 200 if not form.errors else 422


def _run_or_404(run_id: int) -> ReportRun:
    return db.session.get(ReportRun, run_id) or abort(404)


@bp.route("/runs/<int:run_id>")
@role_required(*MANAGERS)
def run(run_id):
    report_run = _run_or_404(run_id)
    files = {f.format: f for f in db.session.execute(
        db.select(ReportFile.id, ReportFile.format, ReportFile.filename).where(ReportFile.run_id == run_id)).all()}
    return render_template("reports/run.html", run=report_run, files=files, reports=REPORTS)


@bp.route("/runs/<int:run_id>/status")
@role_required(*MANAGERS)
def run_status(run_id):
    report_run = _run_or_404(run_id)
    return jsonify(status=report_run.status, progress=report_run.progress, error=report_run.error)


@bp.route("/runs/<int:run_id>/charts/<int:result_id>.svg")
@role_required(*MANAGERS)
def chart(run_id, result_id):
    result = db.session.get(ReportResult, result_id)
    if result is None or result.run_id != run_id or not result.chart_svg:
        abort(404)
    return result.chart_svg, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/runs/<int:run_id>/export.<fmt>")
@role_required(*MANAGERS)
def export(run_id, fmt):
    exported = db.session.execute(db.select(ReportFile).where(ReportFile.run_id == run_id,
                                                             ReportFile.format == fmt)).scalar_one_or_none()
    if exported is None or fmt not in MIMETYPES:
        abort(404)
    record("report.export", object_type="report_run", object_id=run_id,
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
    from app.timeutil import to_paris

    return to_paris(value).strftime("%d/%m/%Y %H:%M") if value else "—"


bp.add_app_template_filter(heading, "report_heading")
bp.add_app_template_filter(format_value, "report_value")
bp.add_app_template_filter(lambda key: SUMMARY_LABELS.get(key, key), "summary_label")
bp.add_app_template_filter(lambda name: TABLE_LABELS.get(name, name), "table_label")
