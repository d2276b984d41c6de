"""What no log line holds: a card number, a secret token, personal data from a query string.

Two writers, one set of rules:

- **Every log record made in the process** (the application's loggers, Flask's, werkzeug's, gunicorn's
  error log, the RQ worker's): `install_record_masking()` wraps the log-record factory, so a record is
  masked when it is made, before any handler, formatter or filter sees it. Masked there: card numbers
  (the one detector, `app.cards.detector`) in the message and its arguments, in the traceback (`exc_info`,
  formatted here: the masked text becomes `exc_text` and the exception object is dropped from the record)
  and in `stack_info`; the token of a token-in-path route (`/api/v1/cti/<token>`) anywhere in the text;
  the URL of an HTTP request line (werkzeug's development server writes them).
- **The web server's access log**: `app.web.accesslog.MaskingLogger` (gunicorn's `logger_class`) writes every
  URL through `mask_url`.

`mask_url` keeps the path and the names of the query parameters. Each value becomes `…`, and so does a
name that is not a plain identifier; the token of `/api/v1/cti/<token>`, and any path segment that looks
like a secret (32 characters or more of the URL-safe alphabet, digits among them), becomes `[jeton]`; a
card number typed in the path becomes `[carte]`, read after percent-decoding (repeated, so that a number
encoded twice is found too). The fragment and any `user:password@` are dropped.
"""

import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote, unquote_plus, urlsplit

from app.cards.detector import CARD_MASK, mask_card_numbers, might_contain_card_number

QUERY_VALUE = "…"
TOKEN_MARK = "[jeton]"
CARD_MARK = "[carte]"
UNLOGGABLE = "[message non journalisé : son masquage a échoué]"
# Routes that carry a secret in their path: what precedes it.
TOKEN_PATH_PREFIXES = ("/api/v1/cti/",)

_TOKEN_IN_PATH = re.compile("(" + "|".join(map(re.escape, TOKEN_PATH_PREFIXES)) + r""")[^/?#\s"'<>]+""")
_SECRET_SEGMENT = re.compile(r"(?=[A-Za-z_\-]*[0-9])[A-Za-z0-9_\-]{32,}")
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-\[\]]{0,39}")
_REQUEST_LINE = re.compile(r"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) (\S+) (HTTP/[0-9.]+)")
_UNPRINTABLE = re.compile(r'[\s"\\%]|[^\x20-\x7e\u00a0-\ud7ff\ue000-\U0010ffff]')
_UNPRINTABLE_RAW = re.compile(r'[\s"\\]|[^\x20-\x7e\u00a0-\ud7ff\ue000-\U0010ffff]')
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrtfv])")  # repr's escapes
_EXCEPTION_FORMATTER = logging.Formatter()


def url_decoded(text: str, plus: bool = False) -> str:
    """`text` percent-decoded until nothing changes (a few rounds: a number encoded twice is found)."""
    for _round in range(4):
        step = unquote_plus(text) if plus else unquote(text)
        if step == text:
            break
        text = step
    return text


def _printable(text: str, decoded: bool = True) -> str:
    """Text made safe for one log line: spaces, quotes and control characters percent-encoded (and `%`
    itself when the text was decoded)."""
    return (_UNPRINTABLE if decoded else _UNPRINTABLE_RAW).sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode(errors="replace")), text)


def mask_path(path: str) -> str:
    """A URL path with the secrets and card numbers it holds replaced; unchanged when it holds none."""
    decoded = url_decoded(path)
    masked = _TOKEN_IN_PATH.sub(r"\1" + TOKEN_MARK, decoded)
    masked = "/".join(TOKEN_MARK if _SECRET_SEGMENT.fullmatch(segment) else segment for segment in masked.split("/"))
    if might_contain_card_number(masked):
        masked = mask_card_numbers(masked).replace(CARD_MASK, CARD_MARK)
    return _printable(path, decoded=False) if masked == decoded else _printable(masked)


def mask_query(query: str) -> str:
    """A query string with its parameter names kept (plain identifiers only) and every value as `…`."""
    shown = []
    for item in re.split("[&;]", query or ""):
        if not item:
            continue
        name, equals, value = item.partition("=")
        name = url_decoded(name, plus=True)
        shown.append((name if _PARAM_NAME.fullmatch(name) else QUERY_VALUE) + equals + (QUERY_VALUE if value else ""))
    return "&".join(shown)


def mask_url(url: str) -> str:
    """A URL (a path with its query, or an absolute URL such as a Referer) as the logs may hold it."""
    if not url or url == "-":
        return url
    base, question, query = url.partition("?")
    base = base.partition("#")[0]
    prefix, path = "", base
    if "://" in base:
        try:
            parts = urlsplit(base)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme and parts.netloc:
            prefix, path = f"{parts.scheme}://{_printable(parts.netloc.rpartition('@')[2])}", parts.path
    return prefix + mask_path(path) + (question + mask_query(query.partition("#")[0]) if question else "")


def mask_log_text(text: str) -> str:
    """Free log text with the URLs of request lines masked, tokens in paths replaced and card numbers masked.

    A number written through `repr` (`%r`, a KeyError's message) has its spaces and line breaks escaped
    (`4111\\xa01111…`): when the text holds a number only once those escapes are read as spaces, it is
    written with them as spaces and the number masked.
    """
    if "HTTP/" in text:
        text = _REQUEST_LINE.sub(lambda m: f"{m[1]} {mask_url(m[2])} {m[3]}", text)
    if "/api/" in text:
        text = _TOKEN_IN_PATH.sub(r"\1" + TOKEN_MARK, text)
    masked = mask_card_numbers(text)
    if "\\" in masked and might_contain_card_number(masked):
        unescaped = _ESCAPE.sub(" ", masked)
        if unescaped != masked:
            hidden = mask_card_numbers(unescaped)
            if hidden != unescaped:
                return hidden
    return masked


def _suspect(text: str) -> bool:
    return might_contain_card_number(text) or "/api/" in text or "HTTP/" in text


def _mask_message(record: logging.LogRecord) -> None:
    args = record.args
    if not isinstance(args, Mapping) and not any(_suspect(str(piece)) for piece in (record.msg, *(args or ()))):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string: the handler reports it, with nothing to mask
        return
    masked = mask_log_text(message)
    if masked != message:
        record.msg, record.args = masked, ()


def mask_record(record: logging.LogRecord) -> None:
    """Mask, in place, what `record` would write: its message, its traceback and its stack."""
    try:
        _mask_message(record)
        if record.exc_info and record.exc_info[0] is not None:
            text = _EXCEPTION_FORMATTER.formatException(record.exc_info)
            masked = mask_log_text(text)
            if masked != text:  # formatters use exc_text as it is; no handler sees the exception itself
                record.exc_info, record.exc_text = None, masked
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
    except Exception:  # noqa: BLE001 - never break the caller, never write what could not be checked
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = UNLOGGABLE, (), None, None, None


class MaskingRecordFactory:
    """The log-record factory, wrapped: every record comes out masked (`mask_record`)."""

    def __init__(self, factory):
        self.factory = factory

    def __call__(self, *args, **kwargs):
        record = self.factory(*args, **kwargs)
        mask_record(record)
        return record


def install_record_masking() -> None:
    """Mask every log record made in this process from now on (idempotent; process-wide)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, MaskingRecordFactory):
        logging.setLogRecordFactory(MaskingRecordFactory(factory))


def init_app(_app) -> None:
    """Called by the application factory: the web process and the worker mask their records."""
    install_record_masking()
