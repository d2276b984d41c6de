"""Helpers shared by every export (CSV, XLSX): spreadsheet formulas are never executed."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula


def safe_cell(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
