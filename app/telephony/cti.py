"""Reading Zammad generic-CTI events as real phone systems send them.

Bodies come form-encoded, multipart or JSON; keys and value shapes vary between clients (`callId`,
`call_id`, `callid`; `user` once, repeated, as `user[]`, a JSON array or a comma-separated string;
3CX bridges write `Inbound`/`Outbound`). `parse_event` turns any of them into one `CtiEvent` or
raises `CtiError` with a French message. A value refused is named in the message only when it holds no
card number (`_shown`): nothing a phone system sends is echoed with a card number in it.
"""

from dataclasses import dataclass, field

from app.cards.detector import contains_card_number

EVENTS = {"newcall": "newCall", "answer": "answer", "hangup": "hangup"}
DIRECTIONS = {"in": "in", "inbound": "in", "incoming": "in", "out": "out", "outbound": "out",
              "outgoing": "out"}
CAUSES = ("normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded")
_CAUSES_BY_KEY = {cause.lower(): cause for cause in CAUSES}
CALL_ID_KEYS = ("callId", "call_id", "callid", "CallId", "callID")
MAX_TEXT = 250
MAX_CALL_ID = 1000  # longer ids are refused, never cut (a cut could merge two calls)


class CtiError(ValueError):
    """An event Relais cannot read; `message` is French and names the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CtiEvent:
    """One event, cleaned: texts stripped and cut (the call id whole), empty values as None."""

    event: str
    call_id: str
    direction: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    users: tuple[str, ...] = field(default_factory=tuple)
    queue: str | None = None
    cause: str | None = None
    answering_number: str | None = None


def _whole(value) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    return str(value).strip() or None


def _text(value, limit: int = MAX_TEXT) -> str | None:
    """The value stripped and cut to `limit`; None when empty or when it holds a card number (read whole,
    before the cut, so that no part of one is kept)."""
    text = _whole(value)
    if text is None or contains_card_number(text):
        return None
    return text[:limit] or None


def _shown(value: str) -> str:
    """` « value »` for a message; nothing when the value is long or holds a card number (never echoed)."""
    return "" if len(value) > 40 or contains_card_number(value) else f" « {value} »"


def _call_id(values: dict) -> str | None:
    for key in CALL_ID_KEYS:
        text = _whole(values.get(key))
        if text:
            if len(text) > MAX_CALL_ID:
                raise CtiError(f"Champ « callId » : {len(text)} caractères, {MAX_CALL_ID} au plus.")
            return text
    return None


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
    raw_event = _whole(values.get("event"))
    if raw_event is None:
        raise CtiError("Champ « event » manquant : newCall, answer ou hangup.")
    event = EVENTS.get(raw_event.lower())
    if event is None:
        raise CtiError(f"Champ « event » : événement inconnu{_shown(raw_event)} (newCall, answer ou hangup).")
    raw_direction = _whole(values.get("direction"))
    direction = None
    if raw_direction is not None:
        direction = DIRECTIONS.get(raw_direction.lower())
        if direction is None:
            raise CtiError(f"Champ « direction » : sens inconnu{_shown(raw_direction)} (in ou out).")
    elif event == "newCall":
        raise CtiError("Champ « direction » manquant : in ou out.")
    call_id = _call_id(values)
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
