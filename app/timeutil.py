"""Time helpers: store in UTC, show and count in Europe/Paris."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """Current time, timezone-aware UTC (the default for every timestamp column)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive value is taken as UTC (as SQLite gives it back)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_paris(value: datetime | None) -> datetime | None:
    """Return `value` as Paris local time, for display."""
    if value is None:
        return None
    return as_utc(value).astimezone(PARIS)


def paris_today() -> date:
    """Today's date in Paris."""
    return datetime.now(PARIS).date()


def paris_day(value: datetime) -> date:
    """The Paris-local calendar day of a UTC instant."""
    return to_paris(value).date()


def paris_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a Paris-local day starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=PARIS)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=PARIS)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_paris(value: str) -> datetime:
    """Parse an ISO date or date-time; without an offset it is Paris time. Returns UTC."""
    value = value.strip()
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=PARIS)
    return parsed.astimezone(UTC)
