"""The REST API under /api/v1/ (bearer tokens with scopes). OpenAPI: /api/v1/openapi.json.

Views stay thin: parse (the schemas) -> service -> commit -> respond. Errors are JSON naming the field.
"""

from flask import g
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from app.api.auth import require_scope
from app.api.errors import error_response, json_http_error
from app.api.labels import TICKET_READ_SCOPES
from app.api.reads import calls_of_tickets, list_tickets, read_calls, read_ticket, run_within_reach
from app.api.schemas import (
    ApiErrorSchema,
    CallQuerySchema,
    CallSchema,
    ReportRunCreateSchema,
    ReportRunSchema,
    ResidentQuerySchema,
    ResidentSchema,
    TicketCreateSchema,
    TicketQuerySchema,
    TicketSchema,
)
from app.api.services import ApiValueError, create_ticket, find_residents
from app.auth.current import request_actor
from app.extensions import csrf, db
from app.reports.params import ReportError, ReportParams
from app.reports.queries import get_run, resolve_filters
from app.reports.services import request_run
from app.telephony.queries import call_for_ticket
from app.telephony.serialise import call_as_dict
from app.tickets.models import Ticket

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="API REST de Relais (jeton porteur)")
csrf.exempt(bp)
# By code as well: the application's own handlers for these codes would otherwise answer in HTML.
for _code in (400, 401, 403, 404, 405, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, json_http_error)
bp.register_error_handler(HTTPException, json_http_error)

BEARER = [{"bearerAuth": []}]
REPORT_ERROR_FIELDS = {"Rapport": "reports", "Site": "sites", "Canal": "channels"}  # ReportError's first word


def _invalid(exc: ApiValueError):
    db.session.rollback()
    errors = exc.as_errors()
    field, problems = next(iter(errors.items()))
    return error_response(exc.status, f"{field} : {problems[0]}", errors)


def _actor():
    """The request's actor under the token's name."""
    return request_actor(login=g.api_token.name)


def _ticket_dict(ticket: Ticket, call=False) -> dict:
    call = call_for_ticket(ticket.id) if call is False else call
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
        found = find_residents(actor=_actor(), **criteria)
    except ApiValueError as exc:
        return _invalid(exc)
    db.session.commit()
    return found


@bp.route("/tickets", methods=["POST"])
@require_scope("tickets:write")
@bp.doc(security=BEARER, summary="Enregistrer un ticket",
        description="Portée `tickets:write`. Mêmes règles que le formulaire : numéros de carte refusés, règles "
                    "du canal, droits de l'agent nommé par `agent_login`. Le site et le canal doivent être "
                    "servis par le jeton (403 nommant le champ sinon).")
@bp.arguments(TicketCreateSchema)
@bp.response(201, TicketSchema)
@bp.alt_response(403, schema=ApiErrorSchema, description="Site, canal ou appel hors de la portée du jeton")
def create_ticket_view(data):
    try:
        ticket = create_ticket(data, token=g.api_token, reach=g.api_scope, actor=_actor())
        db.session.flush()
    except ApiValueError as exc:
        return _invalid(exc)
    except IntegrityError:
        return _invalid(ApiValueError([("external_ref", "Un ticket porte déjà cette référence externe.")]))
    db.session.commit()
    return _ticket_dict(ticket)


@bp.route("/tickets", methods=["GET"])
@require_scope(TICKET_READ_SCOPES)
@bp.doc(security=BEARER, summary="Lister les tickets des sites du jeton",
        description="Portée `tickets:read` (ou `tickets:write`). Les plus récents d'abord ; seuls les sites et "
                    "canaux servis par le jeton. Lecture enregistrée au journal d'audit (identifiants).")
@bp.arguments(TicketQuerySchema, location="query", as_kwargs=True)
@bp.response(200, TicketSchema(many=True))
def tickets(**query):
    found = list_tickets(g.api_scope, _actor(), **query)
    calls = calls_of_tickets([ticket.id for ticket in found])
    body = [_ticket_dict(ticket, calls.get(ticket.id)) for ticket in found]
    db.session.commit()
    return body


@bp.route("/tickets/<int:ticket_id>", methods=["GET"])
@require_scope(TICKET_READ_SCOPES)
@bp.doc(security=BEARER, summary="Lire un ticket",
        description="Portée `tickets:read` (ou `tickets:write`). Un ticket d'un site ou d'un canal que le jeton "
                    "ne sert pas répond 404. Lecture enregistrée au journal d'audit.")
@bp.response(200, TicketSchema)
@bp.alt_response(404, schema=ApiErrorSchema, description="Ticket inconnu ou hors de la portée du jeton")
def ticket(ticket_id: int):
    found = read_ticket(ticket_id, g.api_scope, _actor())
    if found is None:
        db.session.commit()
        return error_response(404, f"Aucun ticket n° {ticket_id}.")
    body = _ticket_dict(found)
    db.session.commit()
    return body


@bp.route("/calls", methods=["GET"])
@require_scope("calls:read")
@bp.doc(security=BEARER, summary="Journal des appels",
        description="Portée `calls:read`, jeton servant la plateforme 3975. Les plus récents d'abord. Lecture "
                    "enregistrée au journal d'audit (identifiants des appels et des usagers).")
@bp.arguments(CallQuerySchema, location="query", as_kwargs=True)
@bp.response(200, CallSchema(many=True))
def calls(**query):
    found = read_calls(_actor(), **query)
    body = [call_as_dict(call) for call in found]
    db.session.commit()
    return body


@bp.route("/report-runs", methods=["POST"])
@require_scope("reports:run")
@bp.doc(security=BEARER, summary="Demander un tableau de bord",
        description="Portée `reports:run`. Un calcul identique déjà en cours est rejoint. Sans `sites` (ou "
                    "`channels`), ceux du jeton ; un site ou un canal qu'il ne sert pas répond 403.")
@bp.arguments(ReportRunCreateSchema)
@bp.response(202, ReportRunSchema)
@bp.alt_response(403, schema=ApiErrorSchema, description="Site ou canal hors de la portée du jeton")
def request_report_run(data):
    reach = g.api_scope
    sites, channels = tuple(data.get("sites") or reach.site_codes or ()), tuple(
        data.get("channels") or reach.channel_codes or ())
    for field, outside in (("sites", reach.outside_sites(sites)), ("channels", reach.outside_channels(channels))):
        if outside:
            return _invalid(ApiValueError([(field, f"Hors de la portée du jeton : {', '.join(outside)}.")], 403))
    try:
        params = ReportParams(data["start"], data["end"], sites, channels)
        resolve_filters(params)  # unknown site or channel codes: refused now, not by the job
        db.session.commit()
        run = request_run(data.get("reports") or None, params)
    except ReportError as exc:
        return _invalid(ApiValueError([(REPORT_ERROR_FIELDS.get(str(exc).split()[0], "from"), str(exc))]))
    return run


@bp.route("/report-runs/<int:run_id>", methods=["GET"])
@require_scope("reports:run")
@bp.doc(security=BEARER, summary="État d'un calcul de tableau de bord",
        description="Portée `reports:run`. Un calcul portant sur d'autres sites que ceux du jeton répond 404.")
@bp.response(200, ReportRunSchema)
@bp.alt_response(404, schema=ApiErrorSchema, description="Calcul inconnu ou hors de la portée du jeton")
def report_run(run_id: int):
    run = get_run(run_id)
    db.session.commit()
    if run is None or not run_within_reach(run, g.api_scope):
        return error_response(404, f"Aucun calcul n° {run_id}.")
    return run
