"""The REST API under /api/v1/ (bearer tokens with scopes). OpenAPI: /api/v1/openapi.json.

Views stay thin: parse (the schemas) -> service -> commit -> respond. Errors are JSON naming the field.
"""

from flask import g
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from app.api.auth import require_scope
from app.api.errors import error_response, json_http_error
from app.api.schemas import (
    CallQuerySchema,
    CallSchema,
    ReportRunCreateSchema,
    ReportRunSchema,
    ResidentQuerySchema,
    ResidentSchema,
    TicketCreateSchema,
    TicketSchema,
)
from app.api.services import ApiValueError, create_ticket, find_residents
from app.auth.current import request_actor
from app.extensions import csrf, db
from app.reports.params import ReportError, ReportParams
from app.reports.queries import get_run
from app.reports.services import request_run
from app.telephony.queries import call_for_ticket, list_calls
from app.telephony.serialise import call_as_dict
from app.tickets.models import Ticket
from app.tickets.queries import get_ticket

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="API REST de Relais (jeton porteur)")
csrf.exempt(bp)
# By code as well: the application's own handlers for these codes would otherwise answer in HTML.
for _code in (400, 401, 403, 404, 405, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, json_http_error)
bp.register_error_handler(HTTPException, json_http_error)

BEARER = [{"bearerAuth": []}]


def _invalid(exc: ApiValueError):
    db.session.rollback()
    errors = exc.as_errors()
    field, problems = next(iter(errors.items()))
    return error_response(422, f"{field} : {problems[0]}", errors)


def _ticket_dict(ticket: Ticket) -> dict:
    call = call_for_ticket(ticket.id)
    return {
        "id": ticket.id, "reference": ticket.reference, "resident_id": ticket.resident_id,
        "anonymous": bool(ticket.anonymous), "channel": ticket.channel.code, "site": ticket.site.code,
        "device": ticket.device.code if ticket.device else None,
        "procedure": ticket.procedure.code if ticket.procedure else None,
        "agent_login": ticket.agent.login if ticket.agent else None, "status": ticket.status,
        "outcome": ticket.outcome, "opened_at": ticket.opened_at, "closed_at": ticket.closed_at,
        "external_ref": ticket.external_ref, "call_id": call.call_id if call else None,
    }


@bp.route("/residents", methods=["GET"])
@require_scope("residents:read")
@bp.doc(security=BEARER, summary="Rechercher des usagers par téléphone, courriel ou référence de compte",
        description="Portée `residents:read`. Tous les critères donnés doivent correspondre.")
@bp.arguments(ResidentQuerySchema, location="query", as_kwargs=True)
@bp.response(200, ResidentSchema(many=True))
def residents(**criteria):
    try:
        found = find_residents(actor=request_actor(login=g.api_token.name), **criteria)
    except ApiValueError as exc:
        return _invalid(exc)
    db.session.commit()
    return found


@bp.route("/tickets", methods=["POST"])
@require_scope("tickets:write")
@bp.doc(security=BEARER, summary="Enregistrer un ticket",
        description="Portée `tickets:write`. Mêmes règles que le formulaire : numéros de carte refusés, règles "
                    "du canal, droits de l'agent nommé par `agent_login`.")
@bp.arguments(TicketCreateSchema)
@bp.response(201, TicketSchema)
def create_ticket_view(data):
    try:
        ticket = create_ticket(data, token=g.api_token, actor=request_actor(login=g.api_token.name))
        db.session.flush()
    except ApiValueError as exc:
        return _invalid(exc)
    except IntegrityError:
        return _invalid(ApiValueError([("external_ref", "Un ticket porte déjà cette référence externe.")]))
    db.session.commit()
    return _ticket_dict(ticket)


@bp.route("/tickets/<int:ticket_id>", methods=["GET"])
@require_scope("tickets:write")
@bp.doc(security=BEARER, summary="Lire un ticket", description="Portée `tickets:write`.")
@bp.response(200, TicketSchema)
def ticket(ticket_id: int):
    found = get_ticket(ticket_id)
    if found is None:
        db.session.commit()
        return error_response(404, f"Aucun ticket n° {ticket_id}.")
    db.session.commit()
    return _ticket_dict(found)


@bp.route("/calls", methods=["GET"])
@require_scope("calls:read")
@bp.doc(security=BEARER, summary="Journal des appels", description="Portée `calls:read`. Les plus récents d'abord.")
@bp.arguments(CallQuerySchema, location="query", as_kwargs=True)
@bp.response(200, CallSchema(many=True))
def calls(**query):
    found = list_calls(**query)
    db.session.commit()
    return [call_as_dict(call) for call in found]


@bp.route("/report-runs", methods=["POST"])
@require_scope("reports:run")
@bp.doc(security=BEARER, summary="Demander un tableau de bord",
        description="Portée `reports:run`. Un calcul identique déjà en cours est rejoint.")
@bp.arguments(ReportRunCreateSchema)
@bp.response(202, ReportRunSchema)
def request_report_run(data):
    try:
        params = ReportParams(data["start"], data["end"], tuple(data.get("sites") or ()),
                              tuple(data.get("channels") or ()))
        db.session.commit()
        run = request_run(data.get("reports") or None, params)
    except ReportError as exc:
        field = "reports" if str(exc).startswith("Rapport") else "from"
        return _invalid(ApiValueError([(field, str(exc))]))
    return run


@bp.route("/report-runs/<int:run_id>", methods=["GET"])
@require_scope("reports:run")
@bp.doc(security=BEARER, summary="État d'un calcul de tableau de bord", description="Portée `reports:run`.")
@bp.response(200, ReportRunSchema)
def report_run(run_id: int):
    run = get_run(run_id)
    db.session.commit()
    if run is None:
        return error_response(404, f"Aucun calcul n° {run_id}.")
    return run
