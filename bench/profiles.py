"""Profiles that explain a gap: where a ticket form post spends its time, in Python and in SQL.

`profile_form_post` replays the 3975 form post in-process (Flask test client, same code as under
gunicorn, CSRF off for the replay only), counts the SQL statements each post sends and times it
without a profiler, then replays it again under cProfile.
"""

import cProfile
import io
import pstats
import time

import numpy as np

from bench.prepare import BENCH_PASSWORD, agent_login, bench_app

FOCUS = r"/app/|sqlalchemy/orm/session|psycopg/cursor|jinja2/environment|flask/app|pandas/io/sql|matplotlib/figure|xlsxwriter/worksheet"


def top_functions(profile: cProfile.Profile, posts: int, limit: int = 15) -> list[str]:
    """The `limit` heaviest functions (cumulative time per call of the profiled unit) matching FOCUS."""
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream).sort_stats("cumulative")
    stats.print_stats(FOCUS, limit)
    lines = [line.rstrip() for line in stream.getvalue().splitlines() if "/" in line and "(" in line]
    out = []
    for line in lines[:limit]:
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[3].replace(".", "").isdigit():
            out.append(f"{float(parts[3]) / posts * 1000:8.1f} ms  {parts[0]:>8} calls  {parts[5][-90:]}")
    return out


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


def profile_form_post(url: str, posts: int = 30) -> dict:
    """cProfile and SQL count of `posts` ticket form posts by a 3975 operator for known callers."""
    from sqlalchemy import event

    from app.extensions import db

    app = bench_app(url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    response = client.post("/auth/login", data={"login": agent_login("plateforme-3975", 1),
                                                "password": BENCH_PASSWORD})
    if response.status_code != 302:
        return {"status": "error", "error": f"sign-in answered {response.status_code}"}
    with app.app_context():
        procedure_id = db.session.execute(db.text(
            "SELECT id FROM procedures WHERE owner = 'city' AND availability = 'online' AND NOT involves_payment "
            "ORDER BY id LIMIT 1")).scalar_one()
        top = db.session.execute(db.text("SELECT max(id) FROM residents")).scalar_one()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_a: statements.append(statement.split(None, 3)[:3]))
    residents = np.random.default_rng(5).integers(1, top + 1, posts + 5).tolist()  # known callers
    form = {"procedure_id": procedure_id, "outcome": "completed", "status": "closed"}
    for resident in residents[:5]:  # warm
        client.post(f"/tickets/new?resident_id={resident}", data=form)
    statements.clear()
    started, cpu_started = time.perf_counter(), time.process_time()  # timed without a profiler
    statuses = [client.post(f"/tickets/new?resident_id={r}", data=form).status_code for r in residents[5:]]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    counted = list(statements)
    profile = cProfile.Profile()  # then a separate pass under cProfile: where the time goes
    profile.enable()
    for r in residents[5:]:
        client.post(f"/tickets/new?resident_id={r}", data=form)
    profile.disable()
    statements[:] = counted
    kinds: dict[str, int] = {}
    for words in statements:
        key = " ".join(words[:1] + ([words[2]] if words[0] in ("INSERT", "UPDATE") and len(words) > 2 else []))
        kinds[key] = kinds.get(key, 0) + 1
    # Counted as tests/tickets/test_logging_cost.py counts: transaction control (the one-time token's
    # SAVEPOINT and RELEASE, BEGIN, COMMIT) apart from the statements, and reported on its own.
    control = [w for w in statements if w and w[0].upper() in TRANSACTION_CONTROL]
    statements = [w for w in statements if not (w and w[0].upper() in TRANSACTION_CONTROL)]
    return {"status": "ok", "posts": posts, "statuses": sorted(set(statuses)), "profiled_separately": True,
            "transaction_control_per_post": round(len(control) / posts, 1),
            "ms_per_post_in_process": round(elapsed / posts * 1000, 1),
            # CPU of this process only (Python: Flask, WTForms, SQLAlchemy, the driver), whatever the load.
            "cpu_ms_per_post_in_process": round(cpu / posts * 1000, 2),
            "sql_statements_per_post": round(len(statements) / posts, 1),
            "sql_by_kind_per_post": {k: round(v / posts, 2) for k, v in sorted(kinds.items())},
            "cprofile_top_per_post": top_functions(profile, posts)}


def profile_facts_span(url: str, first, last) -> dict:
    """EXPLAIN ANALYZE of each statement `rebuild_facts` runs for one span of days, rolled back afterwards."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.reports.facts import rebuild

    app = bench_app(url)
    out = []
    with app.app_context():
        connection = db.session.connection()
        statements = [(t.name + " (delete)", delete(t).where(t.c.day.between(first, last)))
                      for t in (rebuild.fact_activity, rebuild.fact_procedures, rebuild.fact_outcomes,
                                rebuild.fact_handling, rebuild.fact_unmet, rebuild.fact_returns)]
        statements.append(("every fact table, one pass", rebuild._one_pass(first, last)))
        for name, statement in statements:
            compiled = statement.compile(dialect=db.engine.dialect)
            rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled),
                                              compiled.construct_params()).fetchall()
            lines = [r[0] for r in rows]
            out.append({"statement": name,
                        "execution": next((x for x in lines if x.startswith("Execution Time")), ""),
                        "plan": [x for x in lines if "actual time" in x][:8]})
        db.session.rollback()
    return {"status": "ok", "first": str(first), "last": str(last), "statements": out}
