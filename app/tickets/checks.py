"""The rules every saved ticket obeys, whatever route saves it (form, import, transfer, job).

`ticket_problems(values)` works on a plain mapping of resolved objects so the import can check
100,000 rows without building ORM objects; `ticket_values(ticket)` builds that mapping from a Ticket.
"""

from datetime import timedelta

from app.cards.detector import card_number_message, contains_card_number
from app.channels.models import Channel, Device, Procedure, Site
from app.channels.rules import check_channel_rules
from app.extensions import db
from app.tickets.labels import FIELD_LABELS, OPEN_STATUSES
from app.tickets.models import DIGITAL_CHOICES, MODES, OUTCOMES, STATUSES
from app.timeutil import as_utc, paris_day, utcnow
from app.training.rules import load_rules, training_verdict

# Free-text columns of a ticket: each is checked for card numbers and length.
TEXT_LIMITS = {"notes": 5000, "requested_service_text": 250, "family_number": 40, "external_ref": 80}

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
    outcome, mode, digital_choice, payment_assisted, protocol_confirmed, opened_at, closed_at, optionally
    transferred_from_id, and the free-text fields of TEXT_LIMITS.
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
        # A ticket received by transfer waits for the resident: its device is known once it is handled.
        awaiting = bool(values.get("transferred_from_id")) and values.get("status") in OPEN_STATUSES
        for field, message in check_channel_rules(channel, values.get("site"), values.get("device"),
                                                  values.get("family_number"), values.get("opened_at")):
            if not (awaiting and field == "device" and values.get("device") is None):
                problems.append((_RULE_FIELDS.get(field, field), message))
    problems.extend(training_problems(values))
    return problems


def ticket_values(ticket) -> dict:
    """The mapping `ticket_problems` reads, taken from a Ticket (relationships resolved by id)."""
    def get(model, ident):
        return db.session.get(model, ident) if ident is not None else None

    values = {name: getattr(ticket, name) for name in (
        "resident_id", "anonymous", "agent_id", "status", "outcome", "mode", "digital_choice", "payment_assisted",
        "protocol_confirmed", "opened_at", "closed_at", "transferred_from_id", *TEXT_LIMITS)}
    with db.session.no_autoflush:  # the ticket being checked must not be flushed by these reads
        values.update(channel=get(Channel, ticket.channel_id), site=get(Site, ticket.site_id),
                      device=get(Device, ticket.device_id), procedure=get(Procedure, ticket.procedure_id))
    return values


# --- Training hook (app/training) ---------------------------------------------------------------------------
# The ticket's agent must hold, on the ticket's (Paris) day, the modules its payment, procedure and channel
# require. Every route reaches it through `ticket_problems`: form, edit, transfer, import, API.
_TRAINING_FIELDS = {"payment": "payment_assisted", "state": "procedure_id", "procedure": "procedure_id",
                    "channel": "channel_id"}


def training_problems(values: dict) -> list[tuple[str, str]]:
    """Refusals of the training rule; sets `values["untrained_agent"]` when the site saves the ticket flagged.

    Keys read: agent_id, opened_at, site, channel, procedure, payment_assisted, and `training_rules` (an
    import loads them once with `app.training.rules.load_rules()`; otherwise they are read for this agent).
    """
    agent_id = values.get("agent_id")
    if agent_id is None:
        values["untrained_agent"] = False
        return []
    rules = values.get("training_rules")
    if rules is None:
        with db.session.no_autoflush:  # the ticket being checked must not be flushed by these reads
            rules = load_rules([agent_id])
    verdict = training_verdict(rules, agent_id=agent_id, site_id=getattr(values.get("site"), "id", None),
                               channel_id=getattr(values.get("channel"), "id", None),
                               procedure=values.get("procedure"), payment_assisted=values.get("payment_assisted"),
                               day=paris_day(as_utc(values.get("opened_at") or utcnow())))
    values["untrained_agent"] = verdict.flagged and not verdict.refusals
    return [(_TRAINING_FIELDS[scope], message) for scope, message in verdict.refusals]
