"""Measure 2: resident search latency at 1 and 8 concurrent clients, vs an unindexed ILIKE.

Each client is a process of one pool of eight, with its own application and database connection
(as gunicorn workers are), calling `app.contacts.search.search_residents(q)`; every call ends its transaction, like a request.
Queries are drawn from the generated residents: a surname (and first name), the same with a typo,
a phone number typed in national format, an email, a compte parisien reference.
"""

import multiprocessing
import os
import random
import time

import numpy as np

from bench.population import typo
from bench.prepare import bench_app, dsn_of, find_callable

SEARCH = (("app.contacts.search", "search_residents"),)
ILIKE_SQL = """SELECT id FROM residents WHERE merged_into_id IS NULL AND (
    (last_name || ' ' || first_name) ILIKE %(p)s OR (first_name || ' ' || last_name) ILIKE %(p)s
    OR email ILIKE %(p)s OR phone ILIKE %(p)s OR account_ref ILIKE %(p)s)
    ORDER BY last_name, first_name LIMIT 20"""

_state: dict = {}


def sample_queries(url: str, per_kind: int, seed: int = 7) -> dict[str, list[str]]:
    """Search texts of each kind, from residents picked at random."""
    import psycopg

    rng = np.random.default_rng(seed)
    with psycopg.connect(dsn_of(url)) as conn:
        high = conn.execute("SELECT max(id) FROM residents").fetchone()[0] or 0
        ids = rng.integers(1, high + 1, per_kind * 4).tolist()
        rows = conn.execute("SELECT last_name, first_name, phone, email, account_ref FROM residents "
                            "WHERE id = ANY(%s)", (ids,)).fetchall()
    random.Random(seed).shuffle(rows)
    pick = np.random.default_rng(seed)

    def national(e164: str) -> str:
        digits = "0" + e164[3:]
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))

    queries = {
        "name": [f"{r[0]} {r[1]}" for r in rows[:per_kind]],
        "name_typo": [typo(r[0].lower(), pick) for r in rows[:per_kind]],
        "phone": [national(r[2]) for r in rows if r[2] and r[2].startswith("+33")][:per_kind],
        "email": [r[3] for r in rows if r[3]][:per_kind],
        "reference": [r[4] for r in rows if r[4]][:per_kind],
    }
    return queries


def _init(url: str) -> None:
    import psycopg

    _state["conn"] = psycopg.connect(dsn_of(url), autocommit=True)  # the ILIKE baseline's connection
    app = bench_app(url)
    context = app.app_context()
    context.push()
    _state["search"] = find_callable(SEARCH)


def _one(mode: str, kind: str, q) -> None:
    if mode == "driver":  # the statements search_residents(q) sent, replayed through psycopg alone
        for statement, parameters in q:
            _state["conn"].execute(statement, parameters).fetchall()
        return
    if mode == "ilike":
        if kind == "phone":  # the baseline is given the stored form of the number
            q = "+33" + q.replace(" ", "")[1:]
        _state["conn"].execute(ILIKE_SQL, {"p": f"%{q}%"}).fetchall()
        return
    from app.extensions import db

    try:
        _state["search"](q)
    except ValueError:
        pass  # a text too short to search answers at once, as the page does
    db.session.remove()


def _client(args) -> list[tuple[str, float, float]]:
    mode, work = args
    timings = []
    for kind, q in work:
        started, cpu_started = time.perf_counter(), time.process_time()
        _one(mode, kind, q)
        timings.append((kind, (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000))
    return timings


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(float(np.percentile(values, 50)), 2),
            "p95_ms": round(float(np.percentile(values, 95)), 2), "max_ms": round(max(values), 2)}


def run_clients(pool, mode: str, clients: int, queries: dict[str, list], rounds: int) -> dict:
    """`clients` processes of the pool run the queries (`rounds` passes, split between clients) at once."""
    work = [(kind, q) for kind, texts in queries.items() for q in texts] * rounds
    random.Random(clients).shuffle(work)
    slices = [(mode, work[i::clients]) for i in range(clients)]
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    results = pool.map(_client, slices, chunksize=1)
    elapsed = time.perf_counter() - started
    load_after = [round(x, 2) for x in os.getloadavg()]
    print(f"   {mode} at {clients} client(s): {elapsed:.1f} s, load {load_before} -> {load_after}", flush=True)
    flat = [t for chunk in results for t in chunk]
    by_kind = {kind: {**_percentiles([ms for k, ms, _cpu in flat if k == kind]),
                      "client_cpu_ms_mean": round(float(np.mean([c for k, _ms, c in flat if k == kind] or [0])), 2)}
               for kind in queries}
    return {"clients": clients, "queries": len(flat), "seconds": round(elapsed, 2),
            "load_average_before": load_before, "load_average_after": load_after,
            "queries_per_second": round(len(flat) / elapsed, 1) if elapsed else None,
            "all": _percentiles([ms for _k, ms, _cpu in flat]), "by_kind": by_kind,
            "client_cpu_ms_mean": round(float(np.mean([c for _k, _ms, c in flat] or [0])), 2)}


def captured_statements(url: str, queries: dict[str, list[str]]) -> dict[str, list[list[tuple[str, dict]]]]:
    """For each query, the statements and parameters search_residents(q) sends (the driver baseline)."""
    from sqlalchemy import event

    from app.extensions import db

    app = bench_app(url)
    out: dict[str, list] = {}
    with app.app_context():
        captured: list[tuple[str, dict]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            for kind, texts in queries.items():
                out[kind] = []
                for q in texts:
                    captured.clear()
                    try:
                        find_callable(SEARCH)(q)
                    except ValueError:
                        pass
                    db.session.remove()
                    out[kind].append(list(captured))
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
    return out


def explain_search(url: str, q: str) -> list[dict]:
    """EXPLAIN ANALYZE of every SELECT that search_residents(q) sends: the profile of a slow kind."""
    from sqlalchemy import event

    from app.extensions import db

    app = bench_app(url)
    captured: list[tuple[str, dict]] = []
    with app.app_context():
        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            find_callable(SEARCH)(q)
        except ValueError:
            pass
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        plans = []
        for statement, parameters in captured:
            rows = db.session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
            lines = [r[0] for r in rows]
            plans.append({"sql": " ".join(statement.split())[:400],
                          "execution": next((x for x in lines if x.startswith("Execution Time")), ""),
                          "plan": lines[:14]})
        db.session.remove()
    return plans


def measure(url: str, quick: bool) -> dict:
    """Search at 1 and 8 clients, then the ILIKE baseline on a few queries (it scans the table)."""
    if find_callable(SEARCH) is None:
        return {"status": "missing", "reason": "app.contacts.search.search_residents n'existe pas"}
    queries = sample_queries(url, 20 if quick else 40)
    result = {"status": "ok", "sample": {k: v[:2] for k, v in queries.items()}}
    few = {kind: texts[:2 if quick else 3] for kind, texts in queries.items()}
    with multiprocessing.get_context("spawn").Pool(8, initializer=_init, initargs=(url,)) as pool:
        warm = [(kind, texts[0]) for kind, texts in queries.items()]
        pool.map(_client, [("search", warm)] * 8, chunksize=1)  # imports, connections, caches
        for clients in (1, 8):
            result[f"search_{clients}"] = run_clients(pool, "search", clients, queries, 1 if quick else 3)
        direct = captured_statements(url, queries)
        for clients in (1, 8):
            result[f"driver_{clients}"] = run_clients(pool, "driver", clients, direct, 1 if quick else 3)
        for clients in (1, 8):
            result[f"ilike_{clients}"] = run_clients(pool, "ilike", clients, few, 1)
    for clients in (1, 8):
        search, driver = result[f"search_{clients}"], result[f"driver_{clients}"]
        if driver.get("queries_per_second"):
            result[f"vs_driver_{clients}"] = round(search["queries_per_second"] / driver["queries_per_second"], 3)
    result["statements_per_search"] = {kind: round(sum(map(len, texts)) / max(len(texts), 1), 1)
                                       for kind, texts in direct.items()}
    by_kind = result["search_1"]["by_kind"]
    slowest = max(by_kind, key=lambda kind: by_kind[kind].get("p95_ms") or 0)
    result["profile"] = {"kind": slowest, "query": queries[slowest][0],
                         "plans": explain_search(url, queries[slowest][0])}
    # The typo search on this database: does any of its statements scan the words table (issue 19)?
    typo_plans = [plan for q in queries["name_typo"][:5] for plan in explain_search(url, q)]
    result["name_typo_word_table_seq_scans"] = sum(
        1 for plan in typo_plans for line in plan["plan"] if "Seq Scan on resident_name_words" in line)
    return result
