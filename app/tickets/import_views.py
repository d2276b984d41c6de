"""The import pages for admins: upload a file (kept as a run, checked and written by a job), follow the run."""

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.auth.guards import role_required
from app.extensions import db
from app.jobs.queue import enqueue_row_job
from app.tickets.forms import ImportForm
from app.tickets.import_runs import (
    DuplicateImportError,
    FileNameCardError,
    create_import_run,
    enqueue_import,
    get_import_run,
    list_import_runs,
)
from app.tickets.importing import RUN_STATUS_LABELS, STAGES


@role_required("admin")
def import_upload():
    """Upload a CSV of historical tickets; the same file twice is refused unless the admin confirms."""
    form = ImportForm()
    duplicate = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            run = create_import_run(upload.read(), upload.filename, current_user, dry_run=form.dry_run.data,
                                    confirmed=form.confirm_duplicate.data)
        except DuplicateImportError as exc:
            db.session.rollback()
            duplicate = exc
        except FileNameCardError as exc:
            db.session.rollback()
            form.file.errors.append(str(exc))
        else:
            db.session.commit()  # the run exists before a worker looks for it
            enqueue_row_job(enqueue_import, run, "import")
            return redirect(url_for("tickets.import_run", import_id=run.id), 303)
    status = 409 if duplicate else 400 if form.errors else 200
    return render_template("tickets/import.html", form=form, duplicate=duplicate, runs=list_import_runs(),
                           statuses=RUN_STATUS_LABELS), status


@role_required("admin")
def import_run(import_id: int):
    """An import run: its progress while the job works (lines read, errors so far), then its result."""
    run = get_import_run(import_id) or abort(404)
    return render_template("tickets/import_run.html", run=run, stages=STAGES, statuses=RUN_STATUS_LABELS)


@role_required("admin")
def import_run_status(import_id: int):
    """The run's progress as JSON, for the page's progress bar."""
    run = get_import_run(import_id) or abort(404)
    counts = [["Lignes lues : ", False], [str(run.lines_read), True],
              [f" sur {run.lines_total} ; erreurs jusqu'ici : ", False], [str(run.error_count), True], [".", False]]
    return jsonify(status=run.status, status_label=RUN_STATUS_LABELS[run.status], stage=STAGES.get(run.stage or "", ""),
                   lines_read=run.lines_read, lines_total=run.lines_total, errors=run.error_count, percent=run.percent,
                   counts=counts)


def register(bp: Blueprint) -> None:
    """Put the import pages on the tickets blueprint."""
    bp.add_url_rule("/import", view_func=import_upload, methods=["GET", "POST"])
    bp.add_url_rule("/import/<int:import_id>", view_func=import_run)
    bp.add_url_rule("/import/<int:import_id>/status", view_func=import_run_status)
