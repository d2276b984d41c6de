"""The caller log (platform and per operator), "rappelé" on missed calls, and the operator's panel."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit.services import record
from app.auth.access import CALL_LOG_ROLES
from app.auth.current import request_actor
from app.auth.guards import role_required
from app.contacts.forms import QuickCreateForm
from app.contacts.normalise import display_phone
from app.extensions import db
from app.telephony.forms import CalledBackForm
from app.telephony.labels import CAUSE_LABELS, DIRECTION_LABELS, STATE_LABELS
from app.telephony.models import STATES
from app.telephony.panel import current_call_id, panel_data
from app.telephony.queries import get_call, list_calls
from app.telephony.services import CallError, mark_called_back

bp = Blueprint("telephony", __name__, url_prefix="/telephony")


@bp.route("/calls")
@role_required(*CALL_LOG_ROLES)
def calls():
    mine = request.args.get("mine") == "1" and current_user.role == "operator_3975"
    state = request.args.get("state") if request.args.get("state") in STATES else None
    found = list_calls(agent_id=current_user.id if mine else None, state=state, limit=200)
    record("call.list", request_actor(), object_type="call",
           detail={"ids": [call.id for call in found][:200], "state": state, "mine": mine})
    db.session.commit()
    return render_template("telephony/calls.html", calls=found, mine=mine, state=state, states=STATE_LABELS,
                           directions=DIRECTION_LABELS, causes=CAUSE_LABELS, display_phone=display_phone,
                           form=CalledBackForm())


@bp.route("/calls/<int:call_id>/called-back", methods=["POST"])
@role_required("operator_3975")
def called_back(call_id: int):
    call = get_call(call_id)
    if call is None:
        abort(404)
    if CalledBackForm().validate_on_submit():
        try:
            mark_called_back(call, current_user, actor=request_actor())
        except CallError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Appel marqué « rappelé ».", "success")
    return redirect(url_for("telephony.calls", state=request.args.get("state") or None))


@bp.route("/panel")
@role_required("operator_3975")
def panel():
    """The id of the signed-in operator's current call, polled every second by every page (JSON)."""
    return jsonify(call=current_call_id(current_user))


@bp.route("/calls/<int:call_id>/new-resident")
@role_required("operator_3975")
def new_caller(call_id: int):
    """Quick creation of an unknown caller's record, prefilled with the call's number: the number is read
    here, on the server, so it never travels in a URL (nor in the access log)."""
    call = get_call(call_id)
    if call is None or call.agent_id != current_user.id:
        abort(404)
    form = QuickCreateForm(formdata=None)
    form.contact.data = display_phone(call.number) if call.number else ""
    form.next.data = url_for("tickets.new", call=call.id)
    return render_template("contacts/quick.html", quick=form, duplicates=[], display_phone=display_phone)


@bp.route("/panel/<int:call_id>")
@role_required("operator_3975")
def panel_call(call_id: int):
    """The caller's panel for one of the operator's calls (JSON, fetched once per call)."""
    call = get_call(call_id)
    if call is None or call.agent_id != current_user.id:
        abort(404)
    data = panel_data(call, request_actor())
    db.session.commit()  # the read audit of the caller's record
    return jsonify(data)
