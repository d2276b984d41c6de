"""Helpers shared by every export (CSV, XLSX): spreadsheet formulas are never executed."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
