"""The baselines the dashboard is measured against: the same reports computed from the raw tickets.

`plain_group_by` runs one GROUP BY per report over the tickets of the period (what a first version
would do); `pandas_groupby` loads those tickets with `pandas.read_sql` and groups them in memory.
Both return {report: rows} so a run can check they counted the same tickets.
"""

from datetime import date

PARIS_DAY = "(t.opened_at AT TIME ZONE 'Europe/Paris')"
PERIOD = f"{PARIS_DAY}::date BETWEEN %(start)s AND %(end)s"
WEEK = f"date_trunc('week', {PARIS_DAY})::date"
HANDLING = "extract(epoch FROM t.closed_at - t.opened_at)"

GROUP_BY_QUERIES = {
    "volume": f"SELECT t.site_id, {WEEK} AS week, count(*) FROM tickets t WHERE {PERIOD} GROUP BY 1, 2",
    "state-share": f"""SELECT t.site_id, t.channel_id, {WEEK} AS week, p.owner, count(*)
        FROM tickets t LEFT JOIN procedures p ON p.id = t.procedure_id WHERE {PERIOD} GROUP BY 1, 2, 3, 4""",
    "channels": f"""SELECT t.channel_id, count(*), count(t.closed_at), sum({HANDLING})
        FROM tickets t WHERE {PERIOD} GROUP BY 1""",
    "procedures": f"""SELECT t.procedure_id, count(*) FROM tickets t WHERE {PERIOD}
        GROUP BY 1 ORDER BY 2 DESC LIMIT 20""",
    "devices": f"SELECT t.site_id, t.device_id, count(*) FROM tickets t WHERE {PERIOD} GROUP BY 1, 2",
    "outcomes": f"""SELECT t.outcome, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY {HANDLING}),
        percentile_cont(0.9) WITHIN GROUP (ORDER BY {HANDLING})
        FROM tickets t WHERE {PERIOD} AND t.closed_at IS NOT NULL GROUP BY 1""",
    "unmet-demand": f"""SELECT t.site_id, {WEEK} AS week, t.requested_procedure_id, count(*) FROM tickets t
        WHERE {PERIOD} AND t.requested_procedure_id IS NOT NULL GROUP BY 1, 2, 3""",
    "payment-assisted": f"""SELECT t.procedure_id, count(*) FILTER (WHERE t.payment_assisted),
        count(*) FILTER (WHERE t.payment_assisted AND t.protocol_confirmed)
        FROM tickets t WHERE {PERIOD} GROUP BY 1""",
    "digital-choice": f"SELECT t.channel_id, t.digital_choice, count(*) FROM tickets t WHERE {PERIOD} GROUP BY 1, 2",
    "repeat-contacts": f"""SELECT count(*), count(*) FILTER (WHERE next_at >= day_end AND next_at < day_end
            + interval '7 days')
        FROM (SELECT t.opened_at, timezone('Europe/Paris', ({PARIS_DAY}::date + 1)::timestamp) AS day_end,
                     lead(t.opened_at) OVER (PARTITION BY t.resident_id ORDER BY t.opened_at) AS next_at
              FROM tickets t WHERE {PERIOD} AND t.resident_id IS NOT NULL) AS contacts""",
}

PANDAS_QUERY = f"""SELECT t.id, t.resident_id, t.channel_id, t.site_id, t.device_id, t.procedure_id, p.owner,
    t.opened_at, t.closed_at, t.status, t.outcome, t.mode, t.digital_choice, t.requested_procedure_id,
    t.payment_assisted, t.protocol_confirmed
    FROM tickets t LEFT JOIN procedures p ON p.id = t.procedure_id WHERE {PERIOD}"""


def plain_group_by(conn, start: date, end: date) -> dict:
    """Every report as one GROUP BY over the raw tickets (psycopg connection)."""
    params = {"start": start, "end": end}
    return {name: conn.execute(sql, params).fetchall() for name, sql in GROUP_BY_QUERIES.items()}


def pandas_groupby(url: str, start: date, end: date) -> dict:
    """Every report from the tickets loaded into a DataFrame with `pandas.read_sql`, grouped in memory."""
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        frame = pd.read_sql(PANDAS_QUERY.replace("%(start)s", f"'{start}'").replace("%(end)s", f"'{end}'"), conn)
    engine.dispose()
    local = frame["opened_at"].dt.tz_convert("Europe/Paris")
    frame["week"] = (local.dt.tz_localize(None) - pd.to_timedelta(local.dt.weekday, unit="D")).dt.normalize()
    frame["handling"] = (frame["closed_at"] - frame["opened_at"]).dt.total_seconds()
    closed = frame[frame["closed_at"].notna()]
    ordered = frame[frame["resident_id"].notna()].sort_values(["resident_id", "opened_at"])
    next_at = ordered.groupby("resident_id")["opened_at"].shift(-1)
    day_end = (ordered["opened_at"].dt.tz_convert("Europe/Paris").dt.normalize() + pd.Timedelta(days=1))
    returned = (next_at >= day_end) & (next_at < day_end + pd.Timedelta(days=7))
    return {
        "volume": frame.groupby(["site_id", "week"]).size(),
        "state-share": frame.groupby(["site_id", "channel_id", "week", "owner"], dropna=False).size(),
        "channels": frame.groupby("channel_id").agg(tickets=("id", "size"), closed=("closed_at", "count"),
                                                    handling=("handling", "sum")),
        "procedures": frame.groupby("procedure_id").size().nlargest(20),
        "devices": frame.groupby(["site_id", "device_id"], dropna=False).size(),
        "outcomes": closed.groupby("outcome")["handling"].quantile([0.5, 0.9]),
        "unmet-demand": frame[frame["requested_procedure_id"].notna()]
        .groupby(["site_id", "week", "requested_procedure_id"]).size(),
        "payment-assisted": frame.groupby("procedure_id")[["payment_assisted", "protocol_confirmed"]].sum(),
        "digital-choice": frame.groupby(["channel_id", "digital_choice"], dropna=False).size(),
        "repeat-contacts": (len(ordered), int(returned.sum())),
        "_rows": len(frame),
    }
