"""The rules every saved ticket obeys, whatever route saves it (form, import, transfer, job).

`ticket_problems(values)` works on a plain mapping of resolved objects so the import can check
100,000 rows without building ORM objects; `ticket_values(ticket)` builds that mapping from a Ticket.
"""

from datetime import timedelta

from app.cardnumbers import card_number_message, contains_card_number
from app.channels.rules import check_channel_rules
from app.tickets.models import DIGITAL_CHOICES, MODES, OUTCOMES, STATUSES
from app.timeutil import as_utc, utcnow

# Free-text columns of a ticket: each is checked for card numbers and length.
TEXT_LIMITS = {"notes": 5000, "requested_service_text": 250, "family_number": 40, "external_ref": 80}

FIELD_LABELS = {
    "resident_id": "Usager", "anonymous": "Appelant anonyme", "channel_id": "Canal", "site_id": "Site",
    "device_id": "Dispositif", "procedure_id": "Démarche", "agent_id": "Agent", "opened_at": "Ouvert le",
    "closed_at": "Clos le", "status": "Statut", "outcome": "Résultat", "mode": "Mode de facilitation",
    "digital_choice": "Choix du numérique", "requested_procedure_id": "Service demandé non disponible en ligne",
    "requested_service_text": "Service demandé (texte libre)", "payment_assisted": "Paiement accompagné",
    "protocol_confirmed": "Protocole de paiement confirmé", "protocol_confirmed_by_id": "Protocole confirmé par",
    "family_number": "Numéro de famille Facil'Familles", "notes": "Notes", "external_ref": "Référence externe",
    "transferred_from_id": "Transféré depuis",
}

STATUS_LABELS = {"open": "Ouvert", "in_progress": "En cours", "waiting_resident": "En attente de l'usager",
                 "resolved": "Résolu", "closed": "Clos", "transferred": "Transféré"}
OUTCOME_LABELS = {"completed": "Démarche aboutie", "partial": "Démarche partielle",
                  "redirected": "Réorienté vers un autre service",
                  "not_possible_online": "Impossible en ligne", "abandoned": "Abandon"}
MODE_LABELS = {"guided": "Guidé (l'usager saisit)", "together": "Ensemble",
               "on_behalf": "Pour le compte de l'usager (avec son accord)"}
DIGITAL_CHOICE_LABELS = {"chose_digital": "A choisi le numérique", "no_alternative": "Pas d'autre choix",
                         "wanted_other_channel": "Aurait préféré un autre canal"}

# Field names of the rules module mapped to ticket attributes.
_RULE_FIELDS = {"device": "device_id", "site": "site_id", "family_number": "family_number"}
_FUTURE_TOLERANCE = timedelta(minutes=10)


class TicketError(ValueError):
    """One or more broken ticket rules; `problems` lists (field, French message), field being an attribute."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems

    @property
    def field(self) -> str:
        return self.problems[0][0]

    @property
    def message(self) -> str:
        return self.problems[0][1]


def card_number_problems(values: dict) -> list[tuple[str, str]]:
    """Free-text fields holding a card number, with the message naming the field (never the value)."""
    return [(field, card_number_message(FIELD_LABELS[field])) for field in TEXT_LIMITS
            if contains_card_number(values.get(field))]


def ticket_problems(values: dict) -> list[tuple[str, str]]:
    """Every rule a ticket must obey. `values` holds attributes plus resolved objects.

    Keys read: channel, site, device, procedure (objects or None), resident_id, anonymous, status,
    outcome, mode, digital_choice, payment_assisted, protocol_confirmed, opened_at, closed_at and the
    free-text fields of TEXT_LIMITS.
    """
    problems = card_number_problems(values)
    for field, limit in TEXT_LIMITS.items():
        text = values.get(field)
        if text and len(text) > limit and field not in dict(problems):
            problems.append((field, f"{FIELD_LABELS[field]} : {limit} caractères au plus."))
    if values.get("anonymous") and values.get("resident_id"):
        problems.append(("resident_id", "Un appel anonyme n'est rattaché à aucun usager : retirez l'usager "
                                        "ou décochez « appelant anonyme »."))
    if not values.get("anonymous") and not values.get("resident_id"):
        problems.append(("resident_id", "Choisissez l'usager, ou cochez « appelant anonyme »."))
    for field, allowed in (("status", STATUSES), ("outcome", OUTCOMES), ("mode", MODES),
                           ("digital_choice", DIGITAL_CHOICES)):
        value = values.get(field)
        if value is not None and value not in allowed:
            problems.append((field, f"{FIELD_LABELS[field]} : valeur inconnue « {value[:40]} » "
                                    f"(valeurs possibles : {', '.join(allowed)})."))
    if values.get("payment_assisted") and not values.get("protocol_confirmed"):
        problems.append(("protocol_confirmed", "Paiement accompagné : confirmez le protocole (l'usager a saisi "
                                               "lui-même ses coordonnées bancaires, vous ne les avez pas notées)."))
    opened, closed = values.get("opened_at"), values.get("closed_at")
    if opened is not None and as_utc(opened) > utcnow() + _FUTURE_TOLERANCE:
        problems.append(("opened_at", "La date d'ouverture ne peut pas être dans le futur."))
    if opened is not None and closed is not None and as_utc(closed) < as_utc(opened):
        problems.append(("closed_at", "La date de clôture précède la date d'ouverture."))
    channel = values.get("channel")
    if channel is None:
        problems.append(("channel_id", "Choisissez le canal."))
    elif values.get("site") is None:
        problems.append(("site_id", "Choisissez le site."))
    else:
        for field, message in check_channel_rules(channel, values.get("site"), values.get("device"),
                                                  values.get("family_number")):
            problems.append((_RULE_FIELDS.get(field, field), message))
    return problems


def ticket_values(ticket) -> dict:
    """The mapping `ticket_problems` reads, taken from a Ticket (relationships resolved by id)."""
    from app.channels.models import Channel, Device, Procedure, Site
    from app.extensions import db

    def get(model, ident):
        return db.session.get(model, ident) if ident is not None else None

    values = {name: getattr(ticket, name) for name in (
        "resident_id", "anonymous", "status", "outcome", "mode", "digital_choice", "payment_assisted",
        "protocol_confirmed", "opened_at", "closed_at", *TEXT_LIMITS)}
    with db.session.no_autoflush:  # the ticket being checked must not be flushed by these reads
        values.update(channel=get(Channel, ticket.channel_id), site=get(Site, ticket.site_id),
                      device=get(Device, ticket.device_id), procedure=get(Procedure, ticket.procedure_id))
    return values
