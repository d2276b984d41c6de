"""One time zone in the console (issue 24): every log line of the web server, the worker, its scheduler and the
CLI is stamped in Paris time with its offset, whatever the process's TZ."""

import logging
import os
import time
from datetime import UTC, datetime

import pytest

from app.timeutil import LOG_FORMAT, ParisLogFormatter


def _line(instant: datetime) -> str:
    record = logging.LogRecord("rq.worker", logging.INFO, __file__, 1, "Job OK", None, None)
    record.created, record.msecs = instant.timestamp(), 582.0
    return ParisLogFormatter(LOG_FORMAT).format(record)


@pytest.mark.parametrize("tz", ["UTC", "Europe/Paris", "America/New_York"])
@pytest.mark.parametrize("instant, stamp", [
    (datetime(2026, 12, 8, 1, 13, 3, tzinfo=UTC), "2026-12-08 02:13:03,582+0100"),  # winter
    (datetime(2026, 7, 14, 22, 30, 0, tzinfo=UTC), "2026-07-15 00:30:00,582+0200"),  # summer, next Paris day
    (datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), "2026-03-29 01:59:59,582+0100"),  # just before the change
    (datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC), "2026-03-29 03:00:00,582+0200"),  # just after
])
def test_log_lines_are_in_paris_time_with_the_offset_whatever_the_process_tz(monkeypatch, tz, instant, stamp):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        assert _line(instant) == f"{stamp} INFO rq.worker: Job OK"
    finally:
        monkeypatch.setenv("TZ", os.environ.get("TZ", "UTC"))
    monkeypatch.undo()
    time.tzset()
