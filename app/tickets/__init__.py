"""Tickets: log, follow, list, import."""
