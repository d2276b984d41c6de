"""The audit trail, for admins: search by agent, resident and period. Nothing here changes an entry.

Who searches comes from `request_actor` (`app/auth/current.py`): no module of `app/audit/` imports
`flask.request` or `flask_login` (tests/test_architecture.py).
"""

from flask import Blueprint, render_template

from app.audit.forms import AuditSearchForm
from app.audit.labels import action_label, detail_lines, object_text
from app.audit.queries import AuditFilters, agent_names, search_audit_entries, ticket_references
from app.audit.services import record
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.contacts.forms import FIELD_TITLES
from app.extensions import db
from app.tickets.labels import FIELD_LABELS

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    """Search form and one page of entries (searches are posted: no personal data in the URL)."""
    form = AuditSearchForm()
    filters, page = AuditFilters(), 1
    posted = form.is_submitted()  # the search form was posted
    if posted and form.validate():
        filters = AuditFilters(agent=form.agent.data, resident=form.resident.data, action=form.action.data or None,
                               start=form.start.data, end=form.end.data)
        page = form.page.data or 1
    pagination = search_audit_entries(filters, page=page)
    if posted and not form.errors:
        # Which filters were used, never what was typed (a resident's name is personal data).
        record("audit.search", request_actor(), object_type="audit",
               detail={"filters": sorted(k for k, v in vars(filters).items() if v), "page": page,
                       "results": pagination.total})
        db.session.commit()
    names = agent_names(entry.agent_id for entry in pagination.items)
    references = ticket_references(pagination.items)
    status = 400 if form.errors else 200
    return render_template("audit/index.html", form=form, pagination=pagination, names=names,
                           action_label=action_label, references=references, object_text=object_text,
                           detail_lines=detail_lines, field_labels=FIELD_TITLES | FIELD_LABELS), status
