"""Time helpers: store in UTC, show and count in Europe/Paris (log lines included)."""

import logging
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


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class ParisLogFormatter(logging.Formatter):
    """Log lines stamped in Paris time with the offset ('2026-12-08 02:13:03,582+0100'), whatever the process's
    TZ: the web server, the worker and its scheduler (which runs with TZ=Europe/Paris) read alike."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        moment = datetime.fromtimestamp(record.created, PARIS)
        return f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}{moment:%z}"


def configure_console_logging(level: int = logging.INFO) -> None:
    """Log to the console in Paris time, unless logging is configured already (gunicorn, tests)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(ParisLogFormatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
