"""Tickets: log, follow, list, import.

Importing the package installs the card-number guard on every session flush.
"""

from app.tickets import guard  # noqa: F401 - registers the before_flush listener
