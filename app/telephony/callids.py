"""The phone system's call id as Relais stores it: whole, or as a keyed digest.

A call id is whatever the phone system sends. Two kinds are never stored as sent:

- an id longer than `MAX_STORED` characters (the column's width): cutting it could merge two calls;
- an id that holds a card number (`app.cards.detector.contains_card_number`), in any spelling the detector
  reads: no column may hold one, machine-written ones included.

Both are stored as `digest-` followed by the HMAC-SHA256 of the id (keyed with SECRET_KEY, so a card
number cannot be found back by hashing every candidate), written with the letters a–p instead of hex
digits: a digest has no digit at all, so no detector rule can ever read a card number in it. The same
id always gives the same digest, so the call's later events (and a ticket created through the API with
the id) find it. Every other id — "4991155921769858278-1", a UUID, Asterisk's "1700000000.123" — is
stored as sent.
"""

import hashlib
import hmac
import re

from flask import current_app

from app.cards.detector import contains_card_number

MAX_STORED = 120
DIGEST_PREFIX = "digest-"
_LETTERS = str.maketrans("0123456789", "ghijklmnop")
_DIGEST = re.compile(rf"{DIGEST_PREFIX}[a-p]{{64}}")


def call_id_digest(call_id: str, secret: str | bytes) -> str:
    """`digest-` and the HMAC-SHA256 of `call_id` under `secret`, in the letters a–p (64 of them)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    mac = hmac.new(key, b"relais-call-id\x00" + call_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return DIGEST_PREFIX + mac.translate(_LETTERS)


def is_call_id_digest(value: str) -> bool:
    return bool(_DIGEST.fullmatch(value))


def needs_digest(call_id: str) -> bool:
    """True when the id cannot be stored as sent: too long for the column, or holding a card number."""
    return len(call_id) > MAX_STORED or contains_card_number(call_id)


def stored_call_id(call_id: str, secret: str | bytes | None = None) -> str:
    """The value the `calls.call_id` column holds for this id (a digest already is its own stored value)."""
    if is_call_id_digest(call_id) or not needs_digest(call_id):
        return call_id
    return call_id_digest(call_id, secret if secret is not None else current_app.config["SECRET_KEY"])
