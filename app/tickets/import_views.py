"""The import page for admins: same checks and result as the command line."""

from flask import render_template
from flask_login import current_user

from app.audit.services import record
from app.auth.guards import role_required
from app.extensions import db
from app.tickets.blueprint import bp
from app.tickets.forms import ImportForm
from app.tickets.importing import import_tickets

SHOWN_ERRORS = 500


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_upload():
    """Upload a CSV of historical tickets; every problem is listed and nothing is imported until none is left."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = import_tickets(upload.read(), agent=current_user, dry_run=form.dry_run.data,
                                source=upload.filename)
        if result.ok and not result.dry_run:
            record("ticket.import", object_type="ticket",
                   detail={"file": upload.filename, "created": result.tickets_created,
                           "skipped": result.tickets_skipped, "residents_created": result.residents_created})
            db.session.commit()
        else:
            db.session.rollback()
    status = 400 if form.errors or (result is not None and not result.ok) else 200
    return render_template("tickets/import.html", form=form, result=result, shown=SHOWN_ERRORS), status
