"""Tickets: log, follow, list, import."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
