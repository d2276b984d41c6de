"""Forms of the caller log."""

from flask_wtf import FlaskForm


class CalledBackForm(FlaskForm):
    """Mark a missed call "rappelé" (CSRF only)."""
