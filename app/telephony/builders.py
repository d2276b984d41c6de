"""Call reports, in pure pandas: per Paris day and hour, answered and missed rates, waits, tickets logged."""

import math

import pandas as pd

from app.timeutil import to_paris

HOURLY_COLUMNS = ["hour", "calls", "answered", "missed", "forwarded", "with_ticket", "answered_wait"]


def _rate(part, whole) -> float | None:
    """A share as a fraction (pages show it as a percentage)."""
    return round(float(part) / float(whole), 4) if whole else None


def wait_percentile(waits: pd.DataFrame, q: float) -> int | None:
    """The q-quantile of the answered calls' waits (nearest rank), from (wait, calls) rows."""
    n = int(waits["calls"].sum()) if len(waits) else 0
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    ordered = waits.sort_values("wait")
    return int(ordered["wait"].to_numpy()[(ordered["calls"].cumsum() >= rank).to_numpy().argmax()])


def _paris_hours(hourly: pd.DataFrame) -> pd.DataFrame:
    stamps = pd.to_datetime(hourly["hour"], utc=True)
    paris = stamps.map(lambda stamp: to_paris(stamp.to_pydatetime()))
    return hourly.assign(day=paris.map(lambda p: p.date()), hour_of_day=paris.map(lambda p: p.hour))


def build_calls(hourly: pd.DataFrame, waits: pd.DataFrame) -> dict:
    """{"summary", "tables": by_day, by_hour}. `hourly`: HOURLY_COLUMNS per UTC hour; `waits`: wait, calls."""
    counts = ["calls", "answered", "missed", "forwarded", "with_ticket"]
    if len(hourly) == 0:
        hourly = pd.DataFrame(columns=HOURLY_COLUMNS)
    hourly = _paris_hours(hourly) if len(hourly) else hourly.assign(day=[], hour_of_day=[])
    hourly[counts + ["answered_wait"]] = hourly[counts + ["answered_wait"]].fillna(0).astype(int)
    by_day = hourly.groupby("day", as_index=False)[counts].sum()
    by_hour = hourly.groupby("hour_of_day", as_index=False)[counts].sum().rename(columns={"hour_of_day": "hour"})
    for table in (by_day, by_hour):
        table["answered_rate"] = [_rate(a, c) for a, c in zip(table["answered"], table["calls"], strict=True)]
        table["missed_rate"] = [_rate(m, c) for m, c in zip(table["missed"], table["calls"], strict=True)]
        table["ticket_share"] = [_rate(t, a) for t, a in zip(table["with_ticket"], table["answered"], strict=True)]
    by_hour["hour"] = [f"{int(h):02d} h" for h in by_hour["hour"]]
    by_day["day"] = [day.isoformat() for day in by_day["day"]]
    total = {column: int(hourly[column].sum()) for column in counts}
    answered_wait = int(hourly["answered_wait"].sum())
    summary = {
        "calls": total["calls"], "answered_calls": total["answered"], "missed_calls": total["missed"],
        "forwarded_calls": total["forwarded"], "answered_rate": _rate(total["answered"], total["calls"]),
        "missed_rate": _rate(total["missed"], total["calls"]),
        "mean_wait_seconds": round(answered_wait / total["answered"], 1) if total["answered"] else None,
        "p90_wait_seconds": wait_percentile(waits, 0.9),
        "ticket_share": _rate(total["with_ticket"], total["answered"]),
    }
    return {"summary": summary, "tables": {"by_day": by_day, "by_hour": by_hour}}
