"""Measures 3 and 4 over HTTP: ticket logging through gunicorn vs a bare insert, and page timings.

The server is the product served by gunicorn with `deploy/gunicorn.conf.py` (module `bench.bare_app`,
which adds only the bare route); the load comes from threads of this process on 127.0.0.1.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import numpy as np
import psycopg

from bench.httpclient import Client, percentiles, run_load
from bench.prepare import BENCH_PASSWORD, agent_login, dsn_of

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 16  # agents signed in; 64 clients share their cookies
PAGE_SIZE = 50


class Server:
    """gunicorn serving bench.bare_app on 127.0.0.1:port, stopped on exit."""

    def __init__(self, url: str, redis_url: str, port: int, log_path: str, pg_options: str = ""):
        self.port = port
        if pg_options:  # PostgreSQL settings of every connection of the server, e.g. synchronous_commit
            url += ("&" if "?" in url else "?") + "options=" + urllib.parse.quote(pg_options)
        env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, SECRET_KEY="bench-secret-key-not-for-production",
                   RELAIS_BIND=f"127.0.0.1:{port}", RELAIS_ACCESS_LOG=log_path, RELAIS_LOG_LEVEL="warning")
        self.log = open(log_path + ".err", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "bench.bare_app:app"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (voir {self.log.name})")
            try:
                client = Client("127.0.0.1", self.port)
                status, _location, _text = client.request("GET", "/health/live")
                client.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn ne répond pas")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def sign_in_sessions(port: int, site_code: str, count: int) -> list[dict]:
    """Cookies of `count` agents of the site, each signed in once."""
    sessions = []
    for number in range(1, count + 1):
        client = Client("127.0.0.1", port)
        client.sign_in(agent_login(site_code, number), BENCH_PASSWORD)
        sessions.append(dict(client.cookies))
        client.close()
    return sessions


def _city_procedure(url: str) -> int:
    with psycopg.connect(dsn_of(url)) as conn:
        return conn.execute("SELECT id FROM procedures WHERE owner = 'city' AND availability = 'online' "
                            "AND NOT involves_payment ORDER BY id LIMIT 1").fetchone()[0]


class WaitSampler(threading.Thread):
    """Samples what the database's active sessions wait on (pg_stat_activity) every 50 ms: a cheap profile."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.counts, self.samples = url, Counter(), 0
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(dsn_of(self.url), autocommit=True) as conn:
            while not self.stopping.wait(0.05):
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU (not waiting)') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'").fetchall()
                self.samples += 1
                self.counts.update(r[0] for r in rows)

    def stop(self) -> dict:
        self.stopping.set()
        self.join(5)
        total = sum(self.counts.values()) or 1
        return {"samples": self.samples, "mean_active_sessions": round(total / max(self.samples, 1), 2),
                "top": {k: round(v / total, 3) for k, v in self.counts.most_common(6)}}


def _run_sampled(url: str, *load_args, **load_kwargs) -> dict:
    sampler = WaitSampler(url)
    sampler.start()
    result = run_load(*load_args, **load_kwargs)
    result["database_waits"] = sampler.stop()
    return result


def measure_logging(url: str, port: int, sessions: list[dict], clients_list, seconds: float) -> dict:
    """Real 3975 ticket form posts vs bare inserts, at each number of clients."""
    with psycopg.connect(dsn_of(url)) as conn:
        max_resident = conn.execute("SELECT max(id) FROM residents").fetchone()[0]
    procedure_id = _city_procedure(url)
    rng = np.random.default_rng(11)
    residents = rng.integers(1, max_resident + 1, 200_000).tolist()
    # The token of each session, fetched from the form itself; clients sharing a session share it.
    # The form may start a new session (the sign-in renews it): keep the cookies that go with the token.
    tokens, sessions = [], list(sessions)
    for i, cookies in enumerate(sessions):
        client = Client("127.0.0.1", port, cookies)
        tokens.append(client.csrf_token(f"/tickets/new?resident_id={residents[i]}"))
        sessions[i] = dict(client.cookies)
        client.close()

    def make_client(i: int) -> Client:
        client = Client("127.0.0.1", port, sessions[i % len(sessions)])
        client.token = tokens[i % len(sessions)]
        client.signed_in = dict(client.cookies)
        return client

    def log_ticket(client: Client, n: int) -> int:
        # n = client × 1,000,000 + its count: each client walks its own stretch of residents, so no two
        # clients post for the same resident at once (that row's lock would serialise them: not the 3975).
        resident = residents[((n // 1_000_000) * 10_007 + n % 1_000_000) % len(residents)]
        status, location, _text = client.request("POST", f"/tickets/new?resident_id={resident}", {
            "csrf_token": client.token, "procedure_id": procedure_id, "outcome": "completed",
            "status": "closed", "requested_procedure_id": "", "requested_service_text": "", "notes": ""})
        # A browser follows the redirect: the page it opens shows the confirmation (« Ticket … enregistré »)
        # and drops it from the session cookie. This client does not, so it goes back to the cookie it had;
        # keeping the post's would pile up every confirmation in it, each post slower than the last.
        client.cookies = dict(client.signed_in)
        return status if status != 302 or "/contacts/" in location else f"302 {location[:40]}"

    def bare(client: Client, _n: int) -> int:
        status, _location, _text = client.request("POST", "/bench/bare-insert", {"csrf_token": client.token})
        return status

    result = {}
    for clients in clients_list:
        result[f"form_{clients}"] = _run_sampled(url, make_client, log_ticket, clients, seconds, ok_statuses=(302,))
        result[f"bare_{clients}"] = _run_sampled(url, make_client, bare, clients, seconds, ok_statuses=(204,))
        form, floor = result[f"form_{clients}"], result[f"bare_{clients}"]
        if floor.get("requests_per_second"):
            result[f"ratio_{clients}"] = round(form["requests_per_second"] / floor["requests_per_second"], 3)
        if floor.get("p95_ms") and form.get("p95_ms"):
            result[f"p95_vs_bare_{clients}"] = round(form["p95_ms"] / floor["p95_ms"], 2)
    return result


def data_marks(url: str) -> dict:
    """The highest ids of what the bench's requests write: what lies above them is the bench's own."""
    with psycopg.connect(dsn_of(url)) as conn:
        return {table: conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("tickets", "ticket_events", "audit_entries")}


def restore_data(url: str, marks: dict) -> dict:
    """Remove what the bench's requests wrote (tickets, their events and facts rows, audit entries).

    The next run then measures the generated data as it was: its last day is still the generation's,
    and its reports count the same tickets. The residents' last contact goes back to their last ticket.
    """
    with psycopg.connect(dsn_of(url)) as conn:
        # Rows of the bench only, referenced by nothing else: no foreign-key triggers (each check of
        # tickets.transferred_from_id, which has no index, would scan the table).
        conn.execute("SET session_replication_role = replica")
        touched = [r[0] for r in conn.execute("SELECT DISTINCT resident_id FROM tickets WHERE id > %s "
                                              "AND resident_id IS NOT NULL", (marks["tickets"],)).fetchall()]
        counts = {"ticket_events": conn.execute("DELETE FROM ticket_events WHERE id > %s",
                                                (marks["ticket_events"],)).rowcount}
        exists = conn.execute("SELECT to_regclass('fact_ticket_days')").fetchone()[0]
        if exists:
            conn.execute("DELETE FROM fact_ticket_days WHERE ticket_id > %s", (marks["tickets"],))
        counts["tickets"] = conn.execute("DELETE FROM tickets WHERE id > %s", (marks["tickets"],)).rowcount
        counts["audit_entries"] = conn.execute("DELETE FROM audit_entries WHERE id > %s",
                                               (marks["audit_entries"],)).rowcount
        conn.execute("UPDATE residents r SET last_contact_at = (SELECT max(t.opened_at) FROM tickets t "
                     "WHERE t.resident_id = r.id) WHERE r.id = ANY(%s)", (touched,))
        conn.commit()
    counts["residents_restored"] = len(touched)
    return counts


def _queue_cursor(url: str, site_code: str, page: int) -> tuple[str | None, int]:
    """The `after` cursor of page `page` of the site's queue (oldest first), or of its last page."""
    from app.tickets.labels import OPEN_STATUSES
    from app.tickets.queries import encode_cursor

    with psycopg.connect(dsn_of(url)) as conn:
        site_id = conn.execute("SELECT id FROM sites WHERE code = %s", (site_code,)).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM tickets WHERE site_id = %s AND status = ANY(%s)",
                             (site_id, list(OPEN_STATUSES))).fetchone()[0]
        page = max(1, min(page, (total - 1) // PAGE_SIZE + 1))
        if page == 1:
            return None, 1
        row = conn.execute("SELECT opened_at, id FROM tickets WHERE site_id = %s AND status = ANY(%s) "
                           "ORDER BY opened_at, id OFFSET %s LIMIT 1",
                           (site_id, list(OPEN_STATUSES), (page - 1) * PAGE_SIZE - 1)).fetchone()
    return encode_cursor(row[0], row[1]), page


def measure_pages(url: str, port: int, session: dict, repeats: int) -> dict:
    """Resident page and the site queue at page 1 and page 1,000, one client, sequential requests."""
    with psycopg.connect(dsn_of(url)) as conn:
        residents = [r[0] for r in conn.execute(
            "SELECT resident_id FROM tickets WHERE resident_id IS NOT NULL AND id %% 997 = 0 LIMIT %s",
            (repeats,)).fetchall()]
    cursor, deep_page = _queue_cursor(url, "plateforme-3975", 1000)
    pages = {"resident_page": [f"/contacts/{r}" for r in residents],
             "queue_page_1": ["/tickets/queue"] * repeats,
             f"queue_page_{deep_page}": [f"/tickets/queue?after={cursor}" if cursor else "/tickets/queue"] * repeats,
             "my_tickets": ["/tickets/mine"] * repeats}
    client = Client("127.0.0.1", port, session)
    result = {"deep_page": deep_page}
    for name, paths in pages.items():
        client.request("GET", paths[0])  # warm
        timings, statuses = [], {}
        for path in paths:
            started = time.perf_counter()
            status, _location, _text = client.request("GET", path)
            timings.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
        result[name] = {**percentiles(timings), "statuses": {str(k): v for k, v in statuses.items()}}
    client.close()
    return result
