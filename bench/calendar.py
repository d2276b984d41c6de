"""The rhythm of a city's front offices: weekdays, seasons, public holidays, opening hours (Paris time)."""

from datetime import date, timedelta

import numpy as np
import pandas as pd

# Relative volume by month (January = index 0): tax returns in May, summer lull, back-to-school rush.
SEASON = np.array([1.10, 1.00, 1.05, 1.00, 1.12, 1.05, 0.85, 0.55, 1.30, 1.10, 1.00, 0.80])

# Relative volume by weekday (Monday = 0) per channel group; 0 = closed.
WEEKDAYS = {
    "counter": (1.15, 1.05, 1.00, 1.05, 0.95, 0.45, 0.0),
    "phone": (1.25, 1.05, 1.00, 1.00, 0.90, 0.30, 0.0),
    "family": (1.10, 1.00, 1.20, 1.00, 0.90, 0.0, 0.0),
    "online": (1.10, 1.00, 1.00, 1.00, 0.90, 0.50, 0.45),
    "mail": (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0),
}

# Opening hours (local decimal hours) on weekdays and on Saturday, and the two daily peaks.
HOURS = {
    "counter": ((8.5, 17.0), (9.0, 12.5), (10.5, 14.5)),
    "phone": ((8.5, 18.0), (9.0, 13.0), (10.0, 14.0)),
    "family": ((8.5, 17.0), (9.0, 12.0), (10.0, 14.5)),
    "online": ((6.0, 23.0), (8.0, 22.0), (11.0, 20.0)),
    "mail": ((9.0, 17.0), (9.0, 12.0), (10.0, 15.0)),
}


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def public_holidays(years) -> set[date]:
    """French public holidays of the given years."""
    days = set()
    for year in years:
        easter = _easter(year)
        days |= {date(year, 1, 1), date(year, 5, 1), date(year, 5, 8), date(year, 7, 14), date(year, 8, 15),
                 date(year, 11, 1), date(year, 11, 11), date(year, 12, 25), easter + timedelta(days=1),
                 easter + timedelta(days=39), easter + timedelta(days=50)}
    return days


def day_weights(days: np.ndarray, group: str) -> np.ndarray:
    """Probability of each day (datetime64[D]) for a ticket of this channel group."""
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[M]").astype("int64") % 12
    weights = np.array(WEEKDAYS[group])[weekday] * SEASON[months]
    weights *= np.linspace(1.0, 1.25, len(days))  # the programme grows
    if group == "family":
        weights *= np.where((months == 8) | (months == 5), 1.4, 1.0)
    if group != "online":
        years = range(int(str(days[0])[:4]), int(str(days[-1])[:4]) + 1)
        holidays = np.array(sorted(public_holidays(years)), dtype="datetime64[D]")
        weights[np.isin(days, holidays)] = 0.0
    return weights / weights.sum()


def local_seconds(group: str, weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Seconds after local midnight, within opening hours, with a morning and an afternoon peak."""
    (open_h, close_h), (sat_open, sat_close), (peak1, peak2) = HOURS[group]
    n = len(weekday)
    hours = np.where(rng.random(n) < 0.55, rng.normal(peak1, 1.1, n), rng.normal(peak2, 1.3, n))
    saturday = weekday == 5
    low = np.where(saturday, sat_open, open_h)
    high = np.where(saturday, sat_close, close_h)
    outside = (hours < low) | (hours >= high)
    hours[outside] = low[outside] + rng.random(int(outside.sum())) * (high[outside] - low[outside])
    return (hours * 3600).astype(np.int64)


def paris_to_utc_epoch(local: np.ndarray) -> np.ndarray:
    """Local Paris wall-clock times (datetime64[s]) to UTC epoch seconds."""
    index = pd.DatetimeIndex(local).tz_localize("Europe/Paris", ambiguous="NaT", nonexistent="shift_forward")
    utc = index.tz_convert("UTC").as_unit("s").asi8
    bad = utc == np.iinfo(np.int64).min
    if bad.any():  # an hour that happens twice (autumn): take the first one
        utc[bad] = local[bad].astype("int64") - 7200
    return utc
