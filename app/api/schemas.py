"""Marshmallow schemas of the REST API: they validate requests and describe the OpenAPI document."""

from datetime import date

import marshmallow as ma
from marshmallow import validate

from app.telephony.cti import MAX_CALL_ID
from app.telephony.models import STATES
from app.tickets.models import DIGITAL_CHOICES, MODES, OUTCOMES, STATUSES

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # report periods


# The document states the range with exact patterns (months' lengths and leap years of 2000-2099 included),
# in place of `format`: a generator then writes valid days directly instead of discarding most of them.
_DAY = ("20[0-9]{2}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|20[0-9]{2}-(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        "|20[0-9]{2}-02-(0[1-9]|1[0-9]|2[0-8])|20(0[48]|[2468][048]|[13579][26])-02-29")
DAY_PATTERN = f"^({_DAY})$"
INSTANT_PATTERN = (f"^({_DAY})T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{{1,6}})?)?"
                   "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
OUT_OF_RANGE = "Date hors de la plage admise (années 2000 à 2099)."


def _year_in_range(value) -> bool:
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ma.ValidationError(OUT_OF_RANGE)
    return True


class Instant(ma.fields.AwareDateTime):
    """An aware date and time, documented as a string with INSTANT_PATTERN (no `format`: see spec.py)."""


class Day(ma.fields.Date):
    """A day, documented as a string with DAY_PATTERN (no `format`: see spec.py)."""


def instant(**options) -> Instant:
    """An instant sent to the API (ISO 8601 with its offset) whose year is written 2000 to 2099: an instant
    such as 0001-01-01T00:00+00:01 is refused by its field instead of overflowing once turned into UTC.
    The document says so with a pattern, so that a client (or schemathesis) knows the range."""
    metadata = {"pattern": INSTANT_PATTERN} | options.pop("metadata", {})
    return Instant(validate=_year_in_range, metadata=metadata, **options)


def day(**options) -> Day:
    """A day (AAAA-MM-JJ) of the years 2000 to 2099, said in the document by a pattern."""
    metadata = {"pattern": DAY_PATTERN} | options.pop("metadata", {})
    return Day(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY, error=OUT_OF_RANGE),
                          metadata=metadata, **options)


class ApiErrorSchema(ma.Schema):
    """Every API error: a French message, and per field the problems found."""

    error = ma.fields.String(required=True, metadata={"description": "Message en français"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Champ -> problèmes"})


class ResidentQuerySchema(ma.Schema):
    phone = ma.fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "Téléphone"})
    email = ma.fields.Email(validate=validate.Length(min=3, max=254), metadata={"description": "Courriel"})
    account_ref = ma.fields.String(validate=validate.Length(min=1, max=40),
                                   metadata={"description": "Référence du compte parisien"})

    @ma.validates_schema
    def one_criterion(self, data, **_kwargs):
        if not data:
            raise ma.ValidationError("Donnez phone, email ou account_ref.", field_name="phone")


class ResidentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    first_name = ma.fields.String(required=True)
    last_name = ma.fields.String(required=True)
    phone = ma.fields.String(allow_none=True)
    phone_alt = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    account_ref = ma.fields.String(allow_none=True)
    postal_code = ma.fields.String(allow_none=True)
    last_contact_at = ma.fields.AwareDateTime(allow_none=True)


class TicketCreateSchema(ma.Schema):
    agent_login = ma.fields.String(required=True, validate=validate.Length(min=1, max=80),
                                   metadata={"description": "L'agent qui a traité la demande"})
    channel = ma.fields.String(required=True, validate=validate.Length(min=1, max=40),
                               metadata={"description": "Code du canal (phone_3975…)"})
    site = ma.fields.String(required=True, validate=validate.Length(min=1, max=40),
                            metadata={"description": "Code du site (plateforme-3975…)"})
    resident_id = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    anonymous = ma.fields.Boolean()
    device = ma.fields.String(allow_none=True, validate=validate.Length(max=40))
    procedure = ma.fields.String(allow_none=True, validate=validate.Length(max=60))
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    outcome = ma.fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    mode = ma.fields.String(allow_none=True, validate=validate.OneOf(MODES))
    digital_choice = ma.fields.String(allow_none=True, validate=validate.OneOf(DIGITAL_CHOICES))
    payment_assisted = ma.fields.Boolean()
    protocol_confirmed = ma.fields.Boolean()
    family_number = ma.fields.String(allow_none=True, validate=validate.Length(max=40))
    requested_service_text = ma.fields.String(allow_none=True, validate=validate.Length(max=250))
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))
    external_ref = ma.fields.String(allow_none=True, validate=validate.Length(max=80))
    call_id = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_CALL_ID),
                               metadata={"description": "Identifiant de l'appel dans le standard"})


class TicketSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    resident_id = ma.fields.Integer(allow_none=True)
    anonymous = ma.fields.Boolean(required=True)
    channel = ma.fields.String(required=True)
    site = ma.fields.String(required=True)
    device = ma.fields.String(allow_none=True)
    procedure = ma.fields.String(allow_none=True)
    agent_login = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    outcome = ma.fields.String(allow_none=True)
    opened_at = ma.fields.AwareDateTime(required=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)
    call_id = ma.fields.String(allow_none=True)


class CallQuerySchema(ma.Schema):
    state = ma.fields.String(validate=validate.OneOf(STATES))
    since = instant(metadata={"description": "Appels commencés à partir de (ISO 8601, avec fuseau)"})
    until = instant(metadata={"description": "Appels commencés avant"})
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class TicketQuerySchema(ma.Schema):
    site = ma.fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "Code du site"})
    channel = ma.fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "Code du canal"})
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    since = instant(metadata={"description": "Tickets ouverts à partir de (ISO 8601, avec fuseau)"})
    until = instant(metadata={"description": "Tickets ouverts avant"})
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class CallSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    call_id = ma.fields.String(required=True, metadata={"description": "Identifiant de l'appel dans le standard"})
    direction = ma.fields.String(required=True, validate=validate.OneOf(("in", "out")))
    number = ma.fields.String(allow_none=True, metadata={"description": "E.164 ; null si anonyme"})
    anonymous = ma.fields.Boolean(required=True)
    state = ma.fields.String(required=True, validate=validate.OneOf(STATES))
    queue = ma.fields.String(allow_none=True)
    started_at = ma.fields.AwareDateTime(required=True)
    answered_at = ma.fields.AwareDateTime(allow_none=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    wait_seconds = ma.fields.Integer(allow_none=True)
    duration_seconds = ma.fields.Integer(allow_none=True)
    resident_id = ma.fields.Integer(allow_none=True)
    operator = ma.fields.String(allow_none=True, metadata={"description": "Identifiant de l'opérateur"})
    ticket_id = ma.fields.Integer(allow_none=True)
    called_back = ma.fields.Boolean(required=True)


class ReportRunCreateSchema(ma.Schema):
    start = day(required=True, data_key="from")
    end = day(required=True, data_key="to")
    reports = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=60)),
                             validate=validate.Length(max=20))
    sites = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=40)),
                           validate=validate.Length(max=30))
    channels = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=40)),
                              validate=validate.Length(max=10))


class ReportRunSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    progress = ma.fields.Integer(required=True)
    queued_at = ma.fields.AwareDateTime(required=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
