"""API use cases: what a token may ask, through the same services and checks as the forms."""

from app.api.scope import TokenScope
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.access import can_create_ticket
from app.auth.models import Agent
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.contacts.normalise import ContactValueError, normalise_email
from app.contacts.queries import get_live_resident, live_clause
from app.extensions import db
from app.telephony.numbers import to_e164
from app.telephony.queries import get_call_by_external_id
from app.telephony.services import attach_ticket, ticket_values_for_call
from app.tickets.checks import TicketError
from app.tickets.services import log_ticket

# Ticket attributes -> the API's field names (codes instead of ids).
API_FIELDS = {"channel_id": "channel", "site_id": "site", "device_id": "device", "procedure_id": "procedure",
              "agent_id": "agent_login"}


class ApiValueError(ValueError):
    """Bad values in a request: `problems` lists (API field, French message); answered with `status`
    (422; 403 when a value names a site or channel the token does not serve)."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 422):
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems
        self.status = status

    def as_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for field, message in self.problems:
            errors.setdefault(field, []).append(message)
        return errors


def find_residents(phone: str | None = None, email: str | None = None, account_ref: str | None = None,
                   actor: Actor | None = None, limit: int = 20) -> list[Resident]:
    """Live residents matching every criterion given; the look-up is audited for `actor` (the request's,
    under the token's name): criteria names and ids found."""
    query = db.select(Resident).where(live_clause())
    if phone:
        number = to_e164(phone)
        if number is None:
            raise ApiValueError([("phone", f"« {phone[:40]} » n'est pas un numéro de téléphone.")])
        query = query.where((Resident.phone == number) | (Resident.phone_alt == number))
    if email:
        try:
            query = query.where(Resident.email == normalise_email(email))
        except ContactValueError as exc:
            raise ApiValueError([("email", exc.message)]) from exc
    if account_ref:
        query = query.where(Resident.account_ref == account_ref.strip())
    residents = list(db.session.execute(query.order_by(Resident.id).limit(limit)).scalars())
    criteria = [name for name, value in (("phone", phone), ("email", email), ("account_ref", account_ref)) if value]
    record("api.residents.lookup", actor or Actor.system(), object_type="resident",
           detail={"criteria": criteria, "ids": [resident.id for resident in residents]})
    return residents


def _by_code(model, field: str, code: str | None):
    if not code:
        return None
    found = db.session.execute(db.select(model).where(model.code == code)).scalar_one_or_none()
    if found is None:
        raise ApiValueError([(field, f"Code inconnu « {code[:60]} ».")])
    return found


def _check_reach(reach: TokenScope | None, site: Site, channel: Channel, call_id: str | None) -> None:
    if reach is None:
        return
    if reach.outside_sites([site.code]):
        raise ApiValueError([("site", f"Ce jeton ne sert pas le site « {site.code} ».")], status=403)
    if reach.outside_channels([channel.code]):
        raise ApiValueError([("channel", f"Ce jeton ne sert pas le canal « {channel.code} ».")], status=403)
    if call_id and not reach.calls:
        raise ApiValueError([("call_id", "Ce jeton ne sert pas la plateforme 3975 : il ne peut pas lier un "
                                         "appel.")], status=403)


def create_ticket(data: dict, token=None, *, reach: TokenScope | None = None, actor: Actor | None = None):
    """Log a ticket for `agent_login` through `log_ticket` (every ticket rule) and the agents' access rules,
    on a site and channel within the token's `reach` (403 naming the field otherwise).

    Audited as the agent named, from the address of the request's `actor`.
    """
    data = dict(data)
    channel = _by_code(Channel, "channel", data.pop("channel"))
    site = _by_code(Site, "site", data.pop("site"))
    call_id = data.pop("call_id", None)
    _check_reach(reach, site, channel, call_id)
    login = data.pop("agent_login").strip().lower()
    agent = db.session.execute(db.select(Agent).where(Agent.login == login, Agent.active.is_(True))
                               ).scalar_one_or_none()
    if agent is None:
        raise ApiValueError([("agent_login", f"Aucun agent actif « {login[:80]} ».")])
    if not can_create_ticket(agent, channel.code, site.id):
        raise ApiValueError([("agent_login", f"L'agent « {agent.login} » ne peut pas enregistrer de ticket sur ce "
                                             "canal et ce site.")])
    device = _by_code(Device, "device", data.pop("device", None))
    procedure = _by_code(Procedure, "procedure", data.pop("procedure", None))
    call = None
    if call_id:
        call = get_call_by_external_id(call_id)
        if call is None:
            raise ApiValueError([("call_id", "Aucun appel de cet identifiant dans le journal.")])
    values = {key: value for key, value in data.items() if value is not None}
    if values.get("resident_id") is not None:
        resident = get_live_resident(values["resident_id"])
        if resident is None or resident.anonymised_at is not None:
            raise ApiValueError([("resident_id", f"Aucun usager n° {values['resident_id']}.")])
        values["resident_id"] = resident.id  # a merged record's survivor
    values.update(channel_id=channel.id, site_id=site.id, device_id=device.id if device else None,
                  procedure_id=procedure.id if procedure else None)
    if call is not None:
        values = ticket_values_for_call(call, values)
    try:
        ticket = log_ticket(values, agent)
    except TicketError as exc:
        raise ApiValueError([(API_FIELDS.get(field, field), message) for field, message in exc.problems]) from exc
    if call is not None:
        attach_ticket(call, ticket)
    record("ticket.create", Actor(agent, actor.address if actor else None), object_type="ticket", object_id=ticket.id,
           resident_id=ticket.resident_id,
           detail={"reference": ticket.reference, "integration": token.name if token else None})
    return ticket
