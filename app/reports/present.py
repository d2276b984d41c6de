"""Report tables as people read them: labels instead of codes, weeks as dates with their days counted.

Pure pandas (no database, no Flask): the page, the charts, the CSV and the XLSX all go through
`for_people`, so they say the same thing. The computed tables keep their codes for the CLI's JSON.
"""

from datetime import date, timedelta

import pandas as pd

from app.reports.labels import REFERENCE_COLUMNS, VOCABULARIES, value_label

# A table holding a code column and its `label` shows the label under the code column's heading.
_CODE_OF_LABEL = {"site": "site", "channel": "channel", "device": "device", "code": "procedure"}


def week_days(week: str | date, start: date, end: date) -> int:
    """How many days of the week starting on Monday `week` lie inside the period (7 for a whole week)."""
    monday = date.fromisoformat(week) if isinstance(week, str) else week
    first, last = max(monday, start), min(monday + timedelta(days=6), end)
    return max(0, (last - first).days + 1)


def _code_columns(frame: pd.DataFrame, names: dict) -> dict[str, str]:
    """Columns named by a code (a site per column in a weekly pivot, a device per column) → their labels."""
    renamed = {}
    for kind in REFERENCE_COLUMNS:
        for code, label in names.get(kind, {}).items():
            if code in frame.columns and code not in renamed:
                renamed[code] = label
    if "none" in frame.columns:
        renamed["none"] = "Sans dispositif"
    return renamed


def table_for_people(frame: pd.DataFrame, names: dict, start: date | None = None,
                     end: date | None = None) -> pd.DataFrame:
    """One table with labels for codes; weeks become dates, with `days` inside the period when one is partial."""
    frame = frame.copy()
    for code_column, key in _CODE_OF_LABEL.items():
        if code_column in frame.columns and "label" in frame.columns:
            frame = frame.drop(columns=[code_column]).rename(columns={"label": key})
            break
    for column in frame.columns:
        if column in REFERENCE_COLUMNS or column in VOCABULARIES:
            frame[column] = [value_label(column, v, names) for v in frame[column]]
    frame = frame.rename(columns=_code_columns(frame, names))
    if "week" in frame.columns and len(frame):
        weeks = frame["week"]
        frame["week"] = [date.fromisoformat(w) if isinstance(w, str) else w for w in weeks]
        if start is not None and end is not None:
            days = [week_days(w, start, end) for w in frame["week"]]
            if any(d < 7 for d in days):
                frame.insert(frame.columns.get_loc("week") + 1, "days", days)
    return frame


def for_people(tables: dict[str, pd.DataFrame], names: dict, start: date | None = None,
               end: date | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a report's output, for people."""
    return {name: table_for_people(frame, names, start, end) for name, frame in tables.items()}


def partial_weeks(weeks, start: date, end: date) -> list[bool]:
    """For each week (Monday, ISO text or date), whether the period covers fewer than its 7 days."""
    return [week_days(w, start, end) < 7 for w in weeks]


def frame_of(table: dict) -> pd.DataFrame:
    """A stored table ({"columns", "rows"}) as a DataFrame."""
    return pd.DataFrame(table["rows"], columns=table["columns"])


def stored_for_people(data: dict, start: date, end: date) -> dict[str, dict]:
    """A stored result's tables for the page ({"columns", "rows"}), named with the names stored beside them."""
    tables = {name: frame_of(table) for name, table in data.get("tables", {}).items()}
    people = for_people(tables, data.get("names") or {}, start, end)
    return {name: {"columns": [str(c) for c in frame.columns],
                   "rows": [[None if v is None or (isinstance(v, float) and v != v) else
                             (v.item() if hasattr(v, "item") else v) for v in row]
                            for row in frame.astype(object).itertuples(index=False)]}
            for name, frame in people.items()}
