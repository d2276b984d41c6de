"""Residents: search, record, duplicates, merge, 360° view."""

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
