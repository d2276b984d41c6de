"""Tables as stored and shown: JSON-safe columns and rows; cells formatted the French way."""

from datetime import date

import pandas as pd


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def serialise_tables(tables: dict[str, pd.DataFrame]) -> dict:
    """{name: {"columns": [...], "rows": [[...], ...]}} with plain Python values."""
    return {name: {"columns": [str(c) for c in frame.columns],
                   "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)]}
            for name, frame in tables.items()}


def is_share(column: str) -> bool:
    """Whether a column (or summary key) holds a share between 0 and 1, shown as a percentage."""
    return column.endswith(("share", "rate")) or column == "first_contact_resolution"


def format_value(column: str, value) -> str:
    """A cell as shown: shares as percentages, French decimal comma and digit groups, dates dd/mm/yyyy."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and is_share(column):
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)
