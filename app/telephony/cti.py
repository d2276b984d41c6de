"""Reading Zammad generic-CTI events as real phone systems send them.

Bodies come form-encoded, multipart or JSON; keys and value shapes vary between clients (`callId`,
`call_id`, `callid`; `user` once, repeated, as `user[]`, a JSON array or a comma-separated string;
3CX bridges write `Inbound`/`Outbound`). `parse_event` turns any of them into one `CtiEvent` or
raises `CtiError` with a French message.
"""

from dataclasses import dataclass, field

EVENTS = {"newcall": "newCall", "answer": "answer", "hangup": "hangup"}
DIRECTIONS = {"in": "in", "inbound": "in", "incoming": "in", "out": "out", "outbound": "out",
              "outgoing": "out"}
CAUSES = ("normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded")
_CAUSES_BY_KEY = {cause.lower(): cause for cause in CAUSES}
CALL_ID_KEYS = ("callId", "call_id", "callid", "CallId", "callID")
MAX_TEXT = 250


class CtiError(ValueError):
    """An event Relais cannot read; `message` is French and names the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CtiEvent:
    """One event, cleaned: texts stripped and cut, empty values as None."""

    event: str
    call_id: str
    direction: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    users: tuple[str, ...] = field(default_factory=tuple)
    queue: str | None = None
    cause: str | None = None
    answering_number: str | None = None


def _text(value, limit: int = MAX_TEXT) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text[:limit] or None


def _users(values: list) -> tuple[str, ...]:
    names = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            text = _text(item)
            if text:
                names.extend(part.strip() for part in text.split(",") if part.strip())
    return tuple(dict.fromkeys(names))[:10]


def flatten_request(form, json_body, args) -> tuple[dict, list]:
    """(single values, every `user` value) from a form MultiDict, a JSON object and the query string."""
    values: dict = {}
    users: list = []
    for source in (args, form):
        if source is None:
            continue
        for key in source:
            items = source.getlist(key)
            if key in ("user", "user[]"):
                users.extend(items)
            elif items:
                values[key] = items[-1]
    if isinstance(json_body, dict):
        for key, value in json_body.items():
            if key in ("user", "user[]"):
                users.append(value)
            else:
                values[key] = value
    return values, users


def parse_event(values: dict, users: list) -> CtiEvent:
    """The event these values describe; CtiError for an unknown event, direction or missing call id."""
    raw_event = _text(values.get("event"), 40)
    if raw_event is None:
        raise CtiError("Champ « event » manquant : newCall, answer ou hangup.")
    event = EVENTS.get(raw_event.lower())
    if event is None:
        raise CtiError(f"Champ « event » : événement inconnu « {raw_event} » (newCall, answer ou hangup).")
    raw_direction = _text(values.get("direction"), 40)
    direction = None
    if raw_direction is not None:
        direction = DIRECTIONS.get(raw_direction.lower())
        if direction is None:
            raise CtiError(f"Champ « direction » : sens inconnu « {raw_direction} » (in ou out).")
    elif event == "newCall":
        raise CtiError("Champ « direction » manquant : in ou out.")
    call_id = next((_text(values.get(key), 120) for key in CALL_ID_KEYS if _text(values.get(key), 120)), None)
    if call_id is None:
        raise CtiError("Champ « callId » manquant : l'identifiant de l'appel dans le standard.")
    raw_cause = _text(values.get("cause"), 40)
    cause = _CAUSES_BY_KEY.get(raw_cause.lower(), raw_cause[:20]) if raw_cause else None
    return CtiEvent(
        event=event, call_id=call_id, direction=direction,
        from_number=_text(values.get("from"), 40), to_number=_text(values.get("to"), 40),
        users=_users(users), queue=_text(values.get("queue"), 80), cause=cause,
        answering_number=_text(values.get("answeringNumber") or values.get("answering_number"), 40),
    )
