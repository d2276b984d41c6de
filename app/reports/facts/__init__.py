"""Daily fact tables: small per-Paris-day aggregates of tickets that every report reads.

`rebuild_facts(start_day, end_day)` recomputes a period (idempotent); `refresh_facts()` keeps
the facts current by consuming the days that database triggers mark dirty at every ticket write
(`fact_dirty_days`). Both recompute the weekly rollups (`*_weekly`, keyed by the Monday of the
ISO week) of every week touching the days rebuilt.
"""
