"""Template filters and globals: Paris time, French labels."""

from flask import current_app

from app.config import ROLE_LABELS
from app.timeutil import to_paris


def paris_datetime(value, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Format a UTC instant in Paris time."""
    local = to_paris(value)
    return local.strftime(fmt) if local else ""


def paris_date(value) -> str:
    """Format a date (or the Paris day of an instant) as dd/mm/yyyy."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = to_paris(value)
    return value.strftime("%d/%m/%Y")


def french_count(value: int) -> str:
    """An integer as French writes it: 200 000 (narrow no-break spaces between thousands)."""
    return f"{value:,}".replace(",", "\u202f")


def has_endpoint(endpoint: str) -> bool:
    """True when the endpoint exists (templates link only to what is there)."""
    return endpoint in current_app.view_functions


def init_app(app) -> None:
    """Register the filters and globals."""
    app.add_template_filter(paris_datetime, "paris_datetime")
    app.add_template_filter(paris_date, "paris_date")
    app.add_template_filter(french_count, "french_count")
    app.add_template_global(has_endpoint, "has_endpoint")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
