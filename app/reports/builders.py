"""Pure pandas shaping of summed facts into report tables: DataFrames in, DataFrames and dicts out.

No database, no Flask: every function here can be tested with hand-made frames.
"""

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from app.collation import french_key
from app.reports.facts.models import HANDLING_BUCKETS


def _collate(column: pd.Series) -> pd.Series:
    """Sort key of a column: French collation for text (« Déclaration » before « Dossier »)."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    return column.map(lambda v: "\x00".join(french_key(v)) if isinstance(v, str) else v)


def week_of(day) -> date:
    """The Monday starting the ISO week of `day`."""
    day = pd.Timestamp(day).date()
    return day - timedelta(days=day.weekday())


def with_week(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `week` column (ISO date of the Monday) computed from its `day` column."""
    frame = frame.copy()
    days = pd.to_datetime(frame["day"])
    frame["week"] = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    return frame


def all_weeks(start: date, end: date) -> list[str]:
    """Every week (Monday, ISO string) touching the period."""
    week, last = week_of(start), week_of(end)
    weeks = []
    while week <= last:
        weeks.append(week.isoformat())
        week += timedelta(days=7)
    return weeks


def complete_weeks(start: date, end: date) -> list[str]:
    """Weeks lying wholly inside the period (a partial first or last week would bias a trend)."""
    return [w for w in all_weeks(start, end)
            if date.fromisoformat(w) >= start and date.fromisoformat(w) + timedelta(days=6) <= end]


def share(part, whole) -> float:
    """part / whole rounded to 4 decimals, 0 when whole is 0."""
    return round(float(part) / float(whole), 4) if whole else 0.0


def trend(series: pd.Series) -> float:
    """Least-squares slope (tickets per week) of a weekly series; 0 for fewer than two weeks."""
    if len(series) < 2:
        return 0.0
    x = np.arange(len(series), dtype=float)
    return round(float(np.polyfit(x, series.astype(float).to_numpy(), 1)[0]), 2)


def trend_label(slope: float, mean: float) -> str:
    """"hausse", "baisse" or "stable" (a slope under 1 % of the weekly mean is stable)."""
    if mean == 0 or abs(slope) < 0.01 * mean:
        return "stable"
    return "hausse" if slope > 0 else "baisse"


def weekly_by(frame: pd.DataFrame, column: str, value: str, start: date, end: date) -> pd.DataFrame:
    """Weeks in rows, one column per value of `column` (and `total`), zeros where nothing happened."""
    weeks = all_weeks(start, end)
    if frame.empty:
        return pd.DataFrame({"week": weeks, "total": [0] * len(weeks)})
    pivot = (with_week(frame).pivot_table(index="week", columns=column, values=value, aggfunc="sum", fill_value=0)
             .reindex(weeks, fill_value=0))
    pivot.columns = [str(c) for c in pivot.columns]
    pivot["total"] = pivot.sum(axis=1)
    pivot = pivot.astype("int64").reset_index().rename(columns={"index": "week"})
    return pivot


def build_volume(daily: pd.DataFrame, start: date, end: date) -> dict:
    """Tickets per site per week, with each site's trend over the complete weeks.

    `daily`: day, site (code), label, tickets.
    """
    by_week = weekly_by(daily, "site", "tickets", start, end)
    full = complete_weeks(start, end) or all_weeks(start, end)
    rows = []
    for site, label in daily[["site", "label"]].drop_duplicates().itertuples(index=False):
        series = by_week.set_index("week").loc[full, site]
        slope = trend(series)
        head, tail = series.iloc[: min(4, len(series))], series.iloc[-min(4, len(series)):]
        rows.append({"site": site, "label": label, "tickets": int(by_week[site].sum()),
                     "first_weeks_avg": round(float(head.mean()), 1), "last_weeks_avg": round(float(tail.mean()), 1),
                     "trend_per_week": slope, "trend": trend_label(slope, float(series.mean()))})
    by_site = pd.DataFrame(rows, columns=["site", "label", "tickets", "first_weeks_avg", "last_weeks_avg",
                                          "trend_per_week", "trend"])
    by_site = by_site.sort_values(["tickets", "site"], ascending=[False, True]).reset_index(drop=True)
    total = int(by_site["tickets"].sum()) if len(by_site) else 0
    return {"summary": {"total": total, "weeks": len(by_week)}, "tables": {"by_site": by_site, "by_week": by_week}}


def _owner_table(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """total, state, city and state_share per `key` (or one row overall when key is None)."""
    frame = frame.copy()
    frame["state"] = np.where(frame["owner"] == "state", frame["tickets"], 0)
    frame["city"] = np.where(frame["owner"] == "city", frame["tickets"], 0)
    columns = ["tickets", "state", "city"]
    grouped = frame.groupby(key, dropna=False)[columns].sum().reset_index() if key else frame[columns].sum().to_frame().T
    grouped = grouped.rename(columns={"tickets": "total"})
    grouped["state_share"] = [share(s, t) for s, t in zip(grouped["state"], grouped["total"], strict=True)]
    for c in ("total", "state", "city"):
        grouped[c] = grouped[c].astype("int64")
    return grouped


def build_state_share(by_day: pd.DataFrame, by_site: pd.DataFrame, by_channel: pd.DataFrame,
                      start: date, end: date) -> dict:
    """Share of State procedures, overall, per site, per channel and per week.

    Each frame: its key (`day`, `site` or `channel` code), owner ('city', 'state' or None), tickets.
    """
    overall = _owner_table(by_day, None).iloc[0] if len(by_day) else pd.Series({"total": 0, "state": 0, "city": 0})
    total, state, city = (int(overall.get(k, 0)) for k in ("total", "state", "city"))
    by_site = _owner_table(by_site, "site").sort_values("site").reset_index(drop=True) if len(by_site) else \
        pd.DataFrame(columns=["site", "total", "state", "city", "state_share"])
    by_channel = _owner_table(by_channel, "channel").sort_values("channel").reset_index(drop=True) \
        if len(by_channel) else pd.DataFrame(columns=["channel", "total", "state", "city", "state_share"])
    weeks = pd.DataFrame({"week": all_weeks(start, end)})
    by_week = weeks.merge(_owner_table(with_week(by_day), "week"), on="week", how="left") if len(by_day) else weeks
    for c in ("total", "state", "city", "state_share"):
        by_week[c] = by_week[c].fillna(0) if c in by_week else 0
        if c != "state_share":
            by_week[c] = by_week[c].astype("int64")
    summary = {"total": total, "state": state, "city": city, "unknown": total - state - city,
               "state_share": share(state, total)}
    return {"summary": summary, "tables": {"by_site": by_site, "by_channel": by_channel, "by_week": by_week}}


def quantile_bucket(buckets: pd.DataFrame, q: float) -> float | None:
    """The upper bound (minutes) of the bucket holding the q-quantile (rank ceil(q·n)); None if open or empty.

    `buckets`: bucket (index into HANDLING_BUCKETS), tickets.
    """
    counts = buckets.groupby("bucket")["tickets"].sum().sort_index()
    n = int(counts.sum())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    bucket = int(counts.index[np.searchsorted(counts.cumsum().to_numpy(), rank)])
    return float(HANDLING_BUCKETS[bucket]) if bucket < len(HANDLING_BUCKETS) else None


def mean_minutes(seconds, closed) -> float | None:
    """Mean handling time in minutes (one decimal), None without closed tickets."""
    return round(float(seconds) / float(closed) / 60, 1) if closed else None


def build_breakdown(frame: pd.DataFrame, key: str, label_column: str | None = None) -> pd.DataFrame:
    """Tickets (and handling time when present) per `key`, with shares, biggest first.

    `frame`: key, [label], tickets, [closed, handling_seconds].
    """
    keys = [key] + ([label_column] if label_column else [])
    measures = [c for c in ("tickets", "closed", "handling_seconds") if c in frame]
    if frame.empty:
        return pd.DataFrame(columns=keys + ["tickets", "share"])
    table = frame.groupby(keys, dropna=False)[measures].sum().reset_index()
    total = table["tickets"].sum()
    table["share"] = [share(t, total) for t in table["tickets"]]
    if "handling_seconds" in table:
        table["mean_minutes"] = [mean_minutes(s, c) for s, c in zip(table["handling_seconds"], table["closed"],
                                                                    strict=True)]
        table = table.drop(columns=["handling_seconds"])
    return table.sort_values(["tickets"] + keys, ascending=[False] + [True] * len(keys),
                             key=_collate).reset_index(drop=True)


def build_outcomes(outcomes: pd.DataFrame, histogram: pd.DataFrame) -> dict:
    """Outcomes with mean, median and 90th-percentile handling times; the facilitation modes.

    `outcomes`: outcome, mode, tickets, closed, handling_seconds. `histogram`: outcome, bucket, tickets.
    Missing values are given as the code "none" by the caller.
    """
    by_outcome = build_breakdown(outcomes.drop(columns=["mode"], errors="ignore"), "outcome")
    medians, p90s = [], []
    for outcome in by_outcome["outcome"] if len(by_outcome) else []:
        part = histogram[histogram["outcome"] == outcome]
        medians.append(quantile_bucket(part, 0.5))
        p90s.append(quantile_bucket(part, 0.9))
    if len(by_outcome):
        by_outcome["median_minutes"], by_outcome["p90_minutes"] = medians, p90s
    by_mode = build_breakdown(outcomes[["mode", "tickets"]] if len(outcomes) else outcomes, "mode")
    closed = int(outcomes["closed"].sum()) if len(outcomes) else 0
    summary = {"total": int(outcomes["tickets"].sum()) if len(outcomes) else 0, "closed": closed,
               "mean_minutes": mean_minutes(outcomes["handling_seconds"].sum(), closed) if closed else None,
               "median_minutes": quantile_bucket(histogram, 0.5), "p90_minutes": quantile_bucket(histogram, 0.9)}
    return {"summary": summary, "tables": {"by_outcome": by_outcome, "by_mode": by_mode}}


def build_unmet(frame: pd.DataFrame, start: date, end: date) -> dict:
    """Services asked for that are not online: per service, and per site and week.

    `frame`: day, site, service (catalogue label or the text typed), tickets.
    """
    by_service = build_breakdown(frame[["service", "tickets"]] if len(frame) else frame, "service")
    if frame.empty:
        by_site_week = pd.DataFrame(columns=["site", "week", "tickets"])
    else:
        by_site_week = (with_week(frame).groupby(["site", "week"])["tickets"].sum().reset_index()
                        .sort_values(["site", "week"]).reset_index(drop=True))
    total = int(frame["tickets"].sum()) if len(frame) else 0
    return {"summary": {"total": total, "services": len(by_service)},
            "tables": {"by_service": by_service, "by_site_week": by_site_week}}


def _rate_table(frame: pd.DataFrame, key: str, part: str, whole: str, rate: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[key, whole, part, rate])
    table = frame.groupby(key)[[whole, part]].sum().reset_index()
    table[rate] = [share(p, w) for p, w in zip(table[part], table[whole], strict=True)]
    return table.sort_values([whole, key], ascending=[False, True], key=_collate).reset_index(drop=True)


def build_payment(frame: pd.DataFrame) -> dict:
    """Payment-assisted procedures and the rate at which the protection protocol was confirmed.

    `frame`: site, procedure (label), tickets, payment_assisted, protocol_confirmed.
    """
    assisted = frame[frame["payment_assisted"] > 0] if len(frame) else frame
    by_site = _rate_table(assisted, "site", "protocol_confirmed", "payment_assisted", "confirmation_rate")
    by_procedure = _rate_table(assisted, "procedure", "protocol_confirmed", "payment_assisted", "confirmation_rate")
    total = int(frame["tickets"].sum()) if len(frame) else 0
    paid = int(frame["payment_assisted"].sum()) if len(frame) else 0
    confirmed = int(frame["protocol_confirmed"].sum()) if len(frame) else 0
    summary = {"tickets": total, "payment_assisted": paid, "payment_share": share(paid, total),
               "protocol_confirmed": confirmed, "confirmation_rate": share(confirmed, paid)}
    return {"summary": summary, "tables": {"by_site": by_site, "by_procedure": by_procedure}}


def build_digital_choice(frame: pd.DataFrame) -> dict:
    """Whether residents chose the online procedure: share with no alternative, among known answers.

    `frame`: site, digital_choice (code, "none" when not asked), tickets.
    """
    by_choice = build_breakdown(frame[["digital_choice", "tickets"]] if len(frame) else frame, "digital_choice")
    known = frame[frame["digital_choice"] != "none"] if len(frame) else frame
    if len(known):
        known = known.assign(no_alternative=np.where(known["digital_choice"] == "no_alternative", known["tickets"], 0))
    else:
        known = pd.DataFrame(columns=["site", "tickets", "no_alternative"])
    by_site = _rate_table(known, "site", "no_alternative", "tickets", "no_alternative_share")
    answered = int(known["tickets"].sum()) if len(known) else 0
    none_left = int(known["no_alternative"].sum()) if len(known) else 0
    summary = {"tickets": int(frame["tickets"].sum()) if len(frame) else 0, "answered": answered,
               "no_alternative": none_left, "no_alternative_share": share(none_left, answered)}
    return {"summary": summary, "tables": {"by_choice": by_choice, "by_site": by_site}}


def build_repeat(frame: pd.DataFrame, start: date, end: date) -> dict:
    """Contacts of identified residents followed by another contact within 7 days (later days).

    `frame`: day, site, contacts, returned.
    """
    by_site = _rate_table(frame, "site", "returned", "contacts", "return_rate")
    if frame.empty:
        by_week = pd.DataFrame({"week": all_weeks(start, end), "contacts": 0, "returned": 0, "return_rate": 0.0})
    else:
        by_week = _rate_table(with_week(frame), "week", "returned", "contacts", "return_rate")
        by_week = (pd.DataFrame({"week": all_weeks(start, end)}).merge(by_week, on="week", how="left")
                   .fillna({"contacts": 0, "returned": 0, "return_rate": 0.0}))
        by_week[["contacts", "returned"]] = by_week[["contacts", "returned"]].astype("int64")
    contacts = int(frame["contacts"].sum()) if len(frame) else 0
    returned = int(frame["returned"].sum()) if len(frame) else 0
    rate = share(returned, contacts)
    summary = {"contacts": contacts, "returned": returned, "return_rate": rate,
               "first_contact_resolution": round(1 - rate, 4) if contacts else 0.0}
    return {"summary": summary, "tables": {"by_site": by_site, "by_week": by_week}}
