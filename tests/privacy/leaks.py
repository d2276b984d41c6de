"""Reading what leaves the database as an operator would grep it: every Redis key and value, a log file.

Each text is percent-decoded (repeatedly, `+` as a space), its `repr` escapes (`\\xa0`, `\\n`…) read as
spaces, and Unicode-normalised before two searches:
the detector (`contains_card_number`), and the plain digits of each number sent (so a spelling the
detector would miss once its separators are gone is still found).
"""

import re
import unicodedata
import zlib

from app.cards.detector import contains_card_number
from app.cards.logmasking import url_decoded

_NOT_DIGIT = re.compile(r"\D")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrtfv])")


def readable(text: str) -> str:
    """`text` as a grep after URL-decoding, unescaping and Unicode normalisation reads it."""
    return unicodedata.normalize("NFKC", _ESCAPE.sub(" ", url_decoded(text, plus=True)))


def digits_of(text: str) -> str:
    """Every digit of `text`, in order, as ASCII (Arabic-Indic and full-width digits included)."""
    return "".join(str(unicodedata.decimal(char)) for char in _NOT_DIGIT.sub("", text))


def leaks(texts, numbers=(), secrets=()) -> list[str]:
    """The texts (decoded) that hold a card number, one of `numbers` (plain digits) or one of `secrets`."""
    found = []
    for text in texts:
        plain = readable(text)
        digits = digits_of(plain)
        if (contains_card_number(plain) or any(number in digits for number in numbers)
                or any(secret in plain or secret in text for secret in secrets)):
            found.append(plain)
    return found


def _text(value) -> str:
    if not isinstance(value, bytes):
        return str(value)
    try:
        value = zlib.decompress(value)  # RQ's job payloads are compressed
    except zlib.error:
        pass
    return value.decode("utf-8", errors="replace")


def redis_texts(conn) -> list[str]:
    """Every key of the connection's database and every value under it, as text."""
    texts = []
    for key in conn.scan_iter(count=500):
        texts.append(_text(key))
        kind = _text(conn.type(key))
        if kind == "string":
            values = [conn.get(key)]
        elif kind == "hash":
            values = [part for pair in conn.hgetall(key).items() for part in pair]
        elif kind == "list":
            values = conn.lrange(key, 0, -1)
        elif kind == "set":
            values = list(conn.smembers(key))
        elif kind == "zset":
            values = [member for member, _score in conn.zrange(key, 0, -1, withscores=True)]
        elif kind == "stream":
            values = [part for _id, entry in conn.xrange(key) for pair in entry.items() for part in pair]
        else:
            values = []
        texts.extend(_text(value) for value in values if value is not None)
    return texts
