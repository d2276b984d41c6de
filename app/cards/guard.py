"""The storage guard: no card number reaches the database, whatever writes it (logs: `app.cards.logmasking`).

One guard, at the engine: a `before_cursor_execute` listener reads the parameters of every INSERT and
UPDATE (ORM flushes, bulk `insert()`, executemany, `text()` and driver SQL alike) and raises
`CardNumberStorageError` naming the table and column, never the value. The only write that does not
pass through a cursor, PostgreSQL's COPY in the bulk path, calls `refuse_card_rows` itself. Each string
costs a digit count (the detector's pre-filter) unless it holds 12 digits or more; JSON values are
read leaf by leaf, markup (SVG charts) by its text nodes. Machine tokens (hex digests, password hashes)
are left alone; no column is exempt. Forms and services refuse card numbers earlier, on the field; this
guard is the last line of defence and the reason a new write path cannot forget the rule.

Nothing refused is shown back either: every value a template renders (Jinja's `finalize`: inputs,
messages, flashes, error pages) and every JSON document the app answers (`MaskingJSONProvider`) has its
card numbers masked, so a form or search box that refuses a number never puts it back in an input.
"""

import json
import logging
import re
from urllib.parse import quote, unquote_plus

from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql.dml import Insert, Update

from app.cards.detector import (
    card_number_message,
    contains_card_number,
    is_card_number,
    looks_like_digest,
    mask_card_numbers,
    might_contain_card_number,
)

logger = logging.getLogger(__name__)

# No column is exempt: machine-written values go through the guard like typed ones. Machine tokens are
# written so that they cannot look like a card (hex digests of 40+ characters, password hashes:
# `looks_like_digest`); a phone system's call id that holds one is stored as its digest
# (app.telephony.callids).
COLUMN_LABELS = {
    "notes": "Notes", "note": "Note", "label": "Libellé", "name": "Nom", "code": "Code", "domain": "Domaine",
    "address": "Adresse", "city": "Ville", "first_name": "Prénom", "last_name": "Nom", "reason": "Motif",
    "account_ref": "Référence compte parisien", "family_number": "Numéro de famille Facil'Familles",
    "requested_service_text": "Service demandé (texte libre)", "external_ref": "Référence externe",
    "changes": "Historique", "detail": "Détail", "login": "Identifiant", "email": "E-mail",
}
_WRITES = ("INSERT", "UPDATE", "MERGE ", "REPLAC")
_CTE_WRITE = re.compile(r"\b(?:INSERT|UPDATE|MERGE)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_TEXT_NODE = re.compile(r"(?<=>)[^<]+")
_MARKUP_TEXT = re.compile(r"(?:^|(?<=>))[^<]+")
_VALUE_ATTRIBUTE = re.compile(r'(?<=\svalue=")[^"]*(?=")')
_TARGET = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE)\s+"?(\w+)', re.IGNORECASE)


class CardNumberStorageError(ValueError):
    """A card number was about to be stored; `where` lists (table, column), never the value."""

    def __init__(self, where: list[tuple[str, str]]):
        super().__init__("Card number refused in " + ", ".join(f"{table}.{column}" for table, column in where))
        self.where = where

    @property
    def field(self) -> str:
        return self.where[0][1]

    @property
    def message(self) -> str:
        return card_number_message(COLUMN_LABELS.get(self.field, self.field))

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(column, card_number_message(COLUMN_LABELS.get(column, column))) for _table, column in self.where]


def _markup_text(value: str) -> str:
    """The text nodes of generated markup (SVG charts), each apart: attributes hold coordinates, no text."""
    return _TAG.sub(" x ", value)  # a letter: two text nodes never join into one run of digits


def holds_card_number(value) -> bool:
    """True when a stored value holds a card number: text (digests aside; of markup, the text nodes),
    a JSON document's leaves, an integer."""
    if isinstance(value, str):
        if not might_contain_card_number(value) or looks_like_digest(value):
            return False
        return contains_card_number(_markup_text(value) if value.lstrip().startswith("<") else value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return is_card_number(str(abs(value)))
    if isinstance(value, dict):
        return any(holds_card_number(key) or holds_card_number(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_card_number(item) for item in value)
    return False


def mask_value(value):
    """`value` with each card number masked: in text, in a JSON document's leaves, an integer as a whole."""
    if isinstance(value, str):
        if looks_like_digest(value):
            return value
        if value.lstrip().startswith("<"):
            return _TEXT_NODE.sub(lambda node: mask_card_numbers(node.group()), value)
        return mask_card_numbers(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return mask_card_numbers(str(value)) if holds_card_number(value) else value
    if isinstance(value, dict):
        return {mask_value(key): mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


def _holds_card_number_as_sent(value) -> bool:
    """A parameter as the driver gets it: JSON arrives serialised, so read it as a document."""
    if isinstance(value, str) and value[:1] in ("{", "[") and might_contain_card_number(value):
        try:
            return holds_card_number(json.loads(value))
        except ValueError:
            pass
    return holds_card_number(value)


def refuse_card_rows(table: str, rows) -> None:
    """Raise CardNumberStorageError when any of `rows` (dicts of column → value) holds a card number."""
    where = []
    for row in rows:
        for column, value in row.items():
            if (table, column) not in where and holds_card_number(value):
                where.append((table, column))
    if where:
        raise CardNumberStorageError(where)


def _check_statement(_conn, _cursor, statement, parameters, context, _executemany) -> None:
    verb = statement.lstrip()[:6].upper()
    if verb not in _WRITES and not (verb.startswith("WITH") and _CTE_WRITE.search(statement)):
        return
    if getattr(context, "_card_numbers_checked", False):
        return  # an insertmanyvalues batch of rows already checked
    compiled = getattr(context, "compiled", None)
    if compiled is not None:  # Core, ORM or text(): the parameters by name, before the driver's conversions
        context._card_numbers_checked = True
        if isinstance(compiled.statement, Insert | Update):
            refuse_card_rows(compiled.statement.table.name, context.compiled_parameters)
            return
        rows = context.compiled_parameters
    else:  # exec_driver_sql: the parameters as the driver gets them
        batches = parameters if isinstance(parameters, list) else [parameters]
        rows = [batch if isinstance(batch, dict) else dict(enumerate(batch or ())) for batch in batches]
    target = _TARGET.match(statement)
    table = target.group(1) if target else "?"
    for row in rows:
        for key, value in row.items():
            if _holds_card_number_as_sent(value):
                raise CardNumberStorageError([(table, str(key))])


def mask_rendered(value):
    """Jinja's `finalize`: a rendered value with its card numbers masked. Of markup (a rendered field, a
    chart), the text nodes and `value` attributes only: coordinates in other attributes are no text."""
    if not isinstance(value, str) or not might_contain_card_number(value):
        return value
    if not isinstance(value, Markup) and "%" in value:  # a URL rendered back (a link, a `next` field)
        decoded = unquote_plus(value)
        if decoded != value and contains_card_number(decoded):
            return quote(mask_card_numbers(decoded), safe="/?&=:#;,")
    if isinstance(value, Markup):
        text = _MARKUP_TEXT.sub(lambda node: mask_card_numbers(node.group()), str(value))
        return Markup(_VALUE_ATTRIBUTE.sub(lambda attribute: mask_card_numbers(attribute.group()), text))
    return mask_card_numbers(value)


class MaskingJSONProvider(DefaultJSONProvider):
    """JSON answers (`jsonify`: the API, the live search, the CTI endpoint) with every card number masked.
    Only answers: `dumps` stays exact for everything else (a test client's request body, a job's data)."""

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return super().response(mask_value(obj) if holds_card_number(obj) else obj)


def init_app(app) -> None:
    """Install the engine guard once per process (it is process-wide) and the masking of what the app
    renders and answers. Logs: `app.cards.logmasking`."""
    app.json_provider_class = MaskingJSONProvider
    app.json = MaskingJSONProvider(app)
    app.jinja_env.finalize = mask_rendered
    if not event.contains(Engine, "before_cursor_execute", _check_statement):
        event.listen(Engine, "before_cursor_execute", _check_statement)
