"""`POST /api/v1/cti/<token>`: Zammad's generic CTI endpoint, for the phone system.

Always JSON: `{}` when the event is taken (or already known), 401 `{"error": …}` for a bad or
revoked token, 422 with a French message for an event Relais cannot read. Never a 500.
"""

import logging

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from app.api.auth import require_scope
from app.extensions import csrf, db
from app.telephony.cti import CtiError, flatten_request, parse_event
from app.telephony.services import record_cti_event

logger = logging.getLogger(__name__)

bp = Blueprint("cti", __name__, url_prefix="/api/v1/cti")
csrf.exempt(bp)


def _error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    return response


@bp.route("/<token>", methods=["POST"])
@require_scope("cti", token_from_url=True)
def event():
    values, users = flatten_request(request.form, request.get_json(silent=True), request.args)
    try:
        cti_event = parse_event(values, users)
    except CtiError as exc:
        db.session.commit()  # the token's use stays audited
        return _error(422, exc.message)
    try:
        record_cti_event(cti_event)
        db.session.commit()
    except SQLAlchemyError:
        # Two events of one call at the same instant (the phone system retries): the other one won.
        db.session.rollback()
        logger.warning("CTI %s for call %s not recorded (concurrent write)", cti_event.event, cti_event.call_id)
        return _error(409, "Événement concurrent pour cet appel : renvoyez-le.")
    return jsonify({})


@bp.errorhandler(413)
def too_large(_error_):
    return _error(413, "Corps de requête trop volumineux.")


@bp.errorhandler(429)
def too_many(_error_):
    return _error(429, "Trop d'événements en peu de temps pour ce jeton : réessayez dans un instant.")


@bp.errorhandler(400)
def bad_request(_error_):
    return _error(400, "Requête illisible : corps form-encoded, multipart ou JSON attendu.")


@bp.errorhandler(500)
def server_error(_error_):
    db.session.rollback()
    return _error(500, "Erreur interne : elle a été enregistrée.")
