"""The fact tables: counts per Paris-local day and dimension, never one row per ticket.

Each table is narrow (a few dimensions) so a year of facts stays small; every table carries
`site_id` and `channel_id`, the filters every report accepts. No foreign keys: facts are derived
data, rebuilt at will, and must never block a change to the tickets or the reference data.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, Date, Index, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime


def _fact_table(name: str, *columns: Column) -> Table:
    return Table(
        name,
        db.metadata,
        Column("day", Date, nullable=False),
        Column("site_id", Integer, nullable=False),
        Column("channel_id", Integer, nullable=False),
        *columns,
        Index(f"ix_{name}_day", "day"),
    )


# Volume, channels, devices: tickets and summed handling time (closed tickets only).
fact_activity = _fact_table(
    "fact_activity",
    Column("device_id", Integer),
    Column("tickets", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("handling_seconds", BigInteger, nullable=False),
)

# State share (owner comes from the catalogue at query time), top procedures, payment assistance.
fact_procedures = _fact_table(
    "fact_procedures",
    Column("procedure_id", Integer),
    Column("tickets", Integer, nullable=False),
    Column("payment_assisted", Integer, nullable=False),
    Column("protocol_confirmed", Integer, nullable=False),
)

# Outcomes, facilitation mode and digital choice.
fact_outcomes = _fact_table(
    "fact_outcomes",
    Column("outcome", String(30)),
    Column("mode", String(20)),
    Column("digital_choice", String(30)),
    Column("tickets", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("handling_seconds", BigInteger, nullable=False),
)

# Histogram of handling times of closed tickets (bucket index, see HANDLING_BUCKETS) for quantiles.
fact_handling = _fact_table(
    "fact_handling",
    Column("outcome", String(30)),
    Column("bucket", SmallInteger, nullable=False),
    Column("tickets", Integer, nullable=False),
)

# Services asked for: a catalogue procedure and/or the free text the agent typed.
fact_unmet = _fact_table(
    "fact_unmet",
    Column("requested_procedure_id", Integer),
    Column("requested_text", String(250)),
    Column("tickets", Integer, nullable=False),
)

# Contacts of identified residents, and those followed by another contact 1 to 7 days later.
fact_returns = _fact_table(
    "fact_returns",
    Column("contacts", Integer, nullable=False),
    Column("returned", Integer, nullable=False),
)

FACT_TABLES = (fact_activity, fact_procedures, fact_outcomes, fact_handling, fact_unmet, fact_returns)

# Dimension columns (besides day, site, channel) and summed measures of each fact table.
MEASURES = {
    "fact_activity": ("tickets", "closed", "handling_seconds"),
    "fact_procedures": ("tickets", "payment_assisted", "protocol_confirmed"),
    "fact_outcomes": ("tickets", "closed", "handling_seconds"),
    "fact_handling": ("tickets",),
    "fact_unmet": ("tickets",),
    "fact_returns": ("contacts", "returned"),
}


def _weekly_table(daily: Table) -> Table:
    """The same columns as `daily`, keyed by `week` (the Monday of the ISO week) instead of `day`."""
    name = f"{daily.name}_weekly"
    columns = [Column(c.name, c.type, nullable=c.nullable) for c in daily.columns if c.name != "day"]
    return Table(name, db.metadata, Column("week", Date, nullable=False), *columns, Index(f"ix_{name}_week", "week"))


# Weekly rollups of every daily table, rebuilt from the daily facts whenever a day of the week is:
# reports read them for the whole weeks of their period (a year is 52 rows per combination, not 365).
WEEKLY = {daily: _weekly_table(daily) for daily in FACT_TABLES}

# Upper bounds (minutes) of the handling-time buckets; the last bucket is open-ended.
HANDLING_BUCKETS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 90, 120, 180, 240, 480,
                    1440, 2880, 10080)


def handling_bucket(seconds: int) -> int:
    """The bucket index of a handling time: the first bucket whose upper bound is above it."""
    for index, bound in enumerate(HANDLING_BUCKETS):
        if seconds < bound * 60:
            return index
    return len(HANDLING_BUCKETS)


class FactDirtyDay(db.Model):
    """A Paris day whose facts a ticket write has made stale, written by database triggers on `tickets`.

    Every insert, update (old and new opening time) and delete of a ticket records, in the same
    transaction, an instant of the day it dirties (the ticket's `opened_at`): SQLite knows no time
    zones, so the refresh turns the instant into its Paris day. The refresh consumes the rows.
    """

    __tablename__ = "fact_dirty_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FactState(db.Model):
    """When the facts were last brought up to date (every ticket committed before then is counted)."""

    __tablename__ = "fact_states"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
