"""`POST /api/v1/cti/<token>`: Zammad's generic CTI endpoint, for the phone system.

Always JSON: `{}` when the event is taken (or already known), 401 `{"error": …}` for a bad or
revoked token, 422 with a French message for an event Relais cannot read, 429 with Retry-After beyond
the per-token limit. Never a 500, and never a value that holds a card number echoed back.
"""

import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from app.api.auth import require_scope
from app.cards.guard import CardNumberStorageError
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


def cti_rate_limit() -> str:
    """Per token: CTI_RATE_LIMIT (RELAIS_CTI_RATE_LIMIT), sized for the 3975's peak (docs/telephony.md)."""
    return current_app.config["CTI_RATE_LIMIT"]


@bp.route("/<token>", methods=["POST"])
@require_scope("cti", token_from_url=True, rate_limit=cti_rate_limit)
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
    except CardNumberStorageError as exc:  # the guard's last word: every field is cleaned before, never reached
        db.session.rollback()
        return _error(422, exc.message)
    except SQLAlchemyError:
        # Two events of one call at the same instant (the phone system retries): the other one won.
        db.session.rollback()
        logger.warning("CTI %s for a call not recorded (concurrent write)", cti_event.event)
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
