"""JSON errors for the API blueprint: `{"error": "<French message>", "errors": {field: [problems]}}`."""

import logging
import re

from flask import jsonify
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.web.errors import JSON_MESSAGES

logger = logging.getLogger(__name__)

MESSAGES = JSON_MESSAGES
# marshmallow's English messages, in French.
_TRANSLATIONS = [
    (re.compile(r"^Missing data for required field\.$"), "Champ obligatoire."),
    (re.compile(r"^Unknown field\.$"), "Champ inconnu."),
    (re.compile(r"^Field may not be null\.$"), "Ne peut pas être null."),
    (re.compile(r"^Not a valid integer\.$"), "Nombre entier attendu."),
    (re.compile(r"^Not a valid string\.$"), "Texte attendu."),
    (re.compile(r"^Not a valid boolean\.$"), "Vrai ou faux attendu (true/false)."),
    (re.compile(r"^Not a valid list\.$"), "Liste attendue."),
    (re.compile(r"^Not a valid date\.$"), "Date attendue (AAAA-MM-JJ)."),
    (re.compile(r"^Not a valid datetime\.$"), "Date et heure attendues (ISO 8601 avec fuseau)."),
    (re.compile(r"^Not a valid aware datetime\.$"), "Date et heure avec fuseau attendues (ISO 8601)."),
    (re.compile(r"^Invalid input type\.$"), "Objet JSON attendu."),
    (re.compile(r"^Not a valid email address\.$"), "Adresse électronique attendue (nom@domaine.fr)."),
    (re.compile(r"^Invalid value\.$"), "Valeur invalide."),
    (re.compile(r"^Must be one of: (.*)\.$"), r"Valeur parmi : \1."),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     r"Entre \1 et \2."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), r"Longueur entre \1 et \2."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), r"Au moins \1 caractère(s)."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), r"Au plus \1 caractère(s)."),
]


def french(message: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs' {"json": {"field": ["…"]}} (nested, lists indexed) -> {"field": ["…"]} in French."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            flat[prefix or "_schema"] = [french(item) for item in messages]
            return flat
        for item in messages:
            for key, value in _flatten(item, prefix).items():
                flat.setdefault(key, []).extend(value)
        return flat
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            if prefix == "" and key in ("json", "query", "form", "path", "headers", "querystring"):
                name = ""
            for inner, problems in _flatten(value, name).items():
                flat.setdefault(inner, []).extend(problems)
        return flat
    flat[prefix or "_schema"] = [french(str(messages))]
    return flat


def error_response(status: int, message: str, errors: dict | None = None):
    body = {"error": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


def json_http_error(error: HTTPException):
    """Any HTTP error raised in an API view, as JSON."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the database is gone: the answer needs nothing from it
        logger.warning("Transaction non annulée : la base ne répond pas")
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _flatten(data.get("errors") or data.get("messages") or {})
    if errors:
        field, problems = next(iter(errors.items()))
        message = f"{field} : {problems[0]}" if field != "_schema" else problems[0]
    else:
        message = data.get("message") or MESSAGES.get(status) or error.name
    response = error_response(status, message, errors)
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    return response
