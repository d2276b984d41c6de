"""Request hardening: ids in URLs stay within the database's integer range, no NUL characters,
values a database cannot hold answer 400 instead of failing, and no card number is ever written
to a text column (last line of defence behind each form's own check)."""

import logging

from flask import jsonify, render_template, request
from sqlalchemy import String, Text, event, inspect
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from app.cardnumbers import CARD_NUMBER_MESSAGE, contains_card_number
from app.extensions import db

logger = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # INTEGER columns on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that only matches ids the database can hold (a larger number is a 404, not a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# Machine-written tables (numbers in charts and facts are no card; audit entries are masked on write).
# Tickets have their own guard (app.tickets.guard) whose error their forms show on the field.
UNGUARDED_TABLES = ("audit_entries", "report_runs", "report_results", "report_files", "tickets")
# A phone system's call id (often 19 digits, e.g. "4991155921769858278-1") is machine-written.
UNGUARDED_COLUMNS = ("password_hash", "call_id")


class CardNumberStorageError(ValueError):
    """A card number was about to be stored; `where` names the table and column, never the value."""

    def __init__(self, where: list[str]):
        super().__init__(f"Card number refused in {', '.join(where)}")
        self.where = where


def _guarded_columns(mapper):
    table = mapper.persist_selectable
    if table.name in UNGUARDED_TABLES or table.name.startswith("fact_"):
        return []
    return [column.key for column in mapper.columns
            if isinstance(column.type, String | Text) and column.key not in UNGUARDED_COLUMNS]


@event.listens_for(Session, "before_flush")
def _refuse_card_numbers(session, _flush_context, _instances) -> None:
    """Raise CardNumberStorageError when a new or changed row holds a card number in a text column."""
    where = []
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for key in _guarded_columns(state.mapper):
            if obj in session.new:
                values = [getattr(obj, key)]
            else:
                values = state.attrs[key].history.added
            if any(isinstance(v, str) and contains_card_number(v) for v in values):
                where.append(f"{state.mapper.persist_selectable.name}.{key}")
    if where:
        raise CardNumberStorageError(where)


def _json_wanted() -> bool:
    """The API and the phone system's CTI endpoint answer in JSON."""
    return request.path.startswith("/api/")


def _card_number_page(error):
    db.session.rollback()
    logger.warning("Refused a card number in %s on %s", ", ".join(error.where), request.path)
    if _json_wanted():
        return jsonify(error=CARD_NUMBER_MESSAGE), 400
    return render_template("errors/error.html", status=400, title="Numéro de carte refusé",
                           message=CARD_NUMBER_MESSAGE), 400


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
