"""Request hardening: ids in URLs stay within the database's integer range, no NUL characters,
values a database cannot hold answer 400 instead of failing, and a card number stopped by the storage
guard (`app.cards.guard`) answers 400 naming the field, never the value."""

import logging

from flask import jsonify, render_template, request
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from app.cards.guard import CardNumberStorageError
from app.extensions import db

logger = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # INTEGER columns on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that only matches ids the database can hold (a larger number is a 404, not a 500), written
    with 0-9 only ('/contacts/١٢' is a 404, not resident 12: see `app.digits`)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _json_wanted() -> bool:
    """The API and the phone system's CTI endpoint answer in JSON."""
    return request.path.startswith("/api/")


def _card_number_page(error):
    db.session.rollback()
    logger.warning("Refused a card number in %s on %s", ", ".join(".".join(w) for w in error.where), request.path)
    if _json_wanted():
        return jsonify(error=error.message), 400
    return render_template("errors/error.html", status=400, title="Numéro de carte refusé",
                           message=error.message), 400


def _bad_value_page():
    if _json_wanted():
        return jsonify(error="Une valeur est invalide ou hors limites (caractère NUL, nombre trop grand…)."), 400
    return render_template("errors/error.html", status=400, title="Valeur invalide",
                           message="Une valeur saisie est invalide ou hors limites. Corrigez-la et recommencez."), 400


def _refuse_nul_characters():
    """NUL characters cannot be stored (PostgreSQL refuses them): refuse the request with a clear message."""
    values = list(request.args.values())
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        return _bad_value_page()
    return None


def _data_error(error):
    db.session.rollback()
    logger.warning("Refused a value the database cannot hold on %s: %s", request.path, type(error).__name__)
    return _bad_value_page()


def init_app(app) -> None:
    """Register the bounded `int` converter (before any route), the NUL guard and the handlers."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_nul_characters)
    app.register_error_handler(OverflowError, _data_error)
    app.register_error_handler(DataError, _data_error)
    app.register_error_handler(CardNumberStorageError, _card_number_page)
