"""Measure 5: the ticket list's XLSX export, the product's own job, run by a real RQ worker.

The bench manager asks for the export as the list page does (`POST /tickets/exports` with the list's
filters, through the application's test client): the export row is committed and its job enqueued on
`relais-reports`; a real burst worker (`app.jobs.worker.run_worker`) runs it. The list is every ticket
opened since the Paris day of the 100,000th newest one (so at least 100,000 rows), and a second
export of at least 10,000 rows shows whether the worker's memory grows with the rows. The job records
its own timings and the peak memory of its work horse (`TicketExport.metrics`). In the same burst,
two bench jobs: the same rows through the product's CSV writer (`tickets.export.csv_chunks`, the
baseline of `xlsx_vs_csv`), then a separate profiled pass of the XLSX writer.
"""

import cProfile
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSITION = ("the product's job: POST /tickets/exports as the bench manager (a list of every ticket opened since "
               "a Paris day), app.tickets.export_tasks.run_ticket_export on relais-reports, run by "
               "app.jobs.worker.run_worker in burst mode")


def _list_filters(login: str, day: str):
    from app.auth.access import ticket_visibility_clause
    from app.auth.models import Agent
    from app.extensions import db
    from app.tickets.models import Ticket
    from app.tickets.queries import TicketFilters

    agent = db.session.execute(db.select(Agent).where(Agent.login == login)).scalar_one()
    return TicketFilters(date_from=date.fromisoformat(day), extra=[ticket_visibility_clause(agent, Ticket)])


def csv_job(login: str, day: str) -> dict:
    """RQ job (bench only): the same list through the product's CSV writer, into nothing; its time and size."""
    from app.tickets.export import csv_chunks
    from app.tickets.queries import export_rows

    started, size, rows = time.perf_counter(), 0, -1  # the first chunk is the heading
    for chunk in csv_chunks(export_rows(_list_filters(login, day))):
        size += len(chunk.encode("utf-8"))
        rows += 1
    return {"seconds": round(time.perf_counter() - started, 2), "rows": rows, "bytes": size}


def profile_job(login: str, day: str, rows: int | None) -> dict:
    """RQ job (bench only): the XLSX writer under cProfile on the list's first `rows` rows (all when None)."""
    from app.files.xlsxtable import write_table_workbook
    from app.tickets.export import XLSX_COLUMNS
    from app.tickets.queries import export_rows
    from bench.profiles import top_functions

    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as folder:
        source = export_rows(_list_filters(login, day))
        profile.enable()
        written = write_table_workbook(str(Path(folder) / "profil.xlsx"), "Tickets", list(XLSX_COLUMNS),
                                       islice(source, rows) if rows else source)
        profile.disable()
    return {"cprofile_top": top_functions(profile, 1, 10), "profiled_rows": written}


def first_day_of_newest(url: str, count: int) -> tuple[str, int]:
    """The Paris day of the `count`-th newest ticket, and how many tickets were opened since that day began."""
    import psycopg

    from bench.prepare import dsn_of

    with psycopg.connect(dsn_of(url)) as conn:
        day = conn.execute("SELECT (opened_at AT TIME ZONE 'Europe/Paris')::date FROM tickets "
                           "ORDER BY opened_at DESC, id DESC OFFSET %s LIMIT 1", (count - 1,)).fetchone()
        if day is None:
            raise RuntimeError(f"la base compte moins de {count} tickets")
        matching = conn.execute("SELECT count(*) FROM tickets WHERE opened_at >= (%s::date::timestamp "
                                "AT TIME ZONE 'Europe/Paris')", (day[0],)).fetchone()[0]
    return day[0].isoformat(), matching


def _ask(client, day: str) -> int:
    response = client.post(f"/tickets/exports?status=&owner=&date_from={day}")
    if response.status_code != 303:
        raise RuntimeError(f"POST /tickets/exports : {response.status_code}")
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _export(app, export_id: int) -> dict:
    from app.extensions import db
    from app.tickets.export_models import TicketExport

    with app.app_context():
        export = db.session.get(TicketExport, export_id)
        return {"status": export.status, "error": export.error, "rows": export.rows_written,
                "rows_counted": export.rows_total, "bytes": export.byte_size, **export.metrics}


def _job_result(redis_url: str, job_id: str):
    from redis import Redis
    from rq.job import Job

    job = Job.fetch(job_id, connection=Redis.from_url(redis_url))
    if job.get_status() != "finished":
        latest = job.latest_result()
        reason = (latest.exc_string or "").strip().splitlines()[-1:] if latest else []
        raise RuntimeError(f"job {job_id} {job.get_status()}: {reason}")
    return job.return_value()


def measure(url: str, redis_url: str, row_count: int, profile_rows: int | None = None) -> dict:
    """Ask for the two exports as the page does, queue the CSV and profile jobs, run one burst worker."""
    from app.config import QUEUE_REPORTS
    from app.jobs.queue import get_queue
    from bench.prepare import BENCH_MANAGER, BENCH_PASSWORD, bench_app

    small_count = max(1, row_count // 10)
    day, matching = first_day_of_newest(url, row_count)
    small_day, small_matching = first_day_of_newest(url, small_count)
    app = bench_app(url, REDIS_URL=redis_url, WTF_CSRF_ENABLED=False, JOBS_IN_PROCESS=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    client.post("/auth/login", data={"login": BENCH_MANAGER, "password": BENCH_PASSWORD})
    queued_at = time.perf_counter()
    small_id, export_id = _ask(client, small_day), _ask(client, day)
    with app.app_context():
        queue = get_queue(QUEUE_REPORTS)
        csv = queue.enqueue(csv_job, BENCH_MANAGER, day, job_timeout=900, result_ttl=600)
        prof = queue.enqueue(profile_job, BENCH_MANAGER, day, profile_rows, job_timeout=900, result_ttl=600)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url)
    code = ("from app import create_app; from app.jobs.worker import run_worker; "
            f"run_worker(create_app(), burst=True, queues=[{QUEUE_REPORTS!r}], periodic=False)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=1800)
    finished_at = time.perf_counter()
    big, small = _export(app, export_id), _export(app, small_id)
    if big["status"] != "finished":
        return {"status": "error", "error": f"export {big['status']}: {big['error'] or proc.stderr[-300:]}"}
    baseline, profiled = _job_result(redis_url, csv.id), _job_result(redis_url, prof.id)
    growth = round(big["peak_memory_mb"] / small["peak_memory_mb"], 2) if small.get("peak_memory_mb") else None
    return {"status": "ok", "composition": COMPOSITION, "list_since": day,
            "rows": big["rows"], "rows_matching": matching, "rows_match": big["rows"] == matching,
            "bytes": big["bytes"], "job_seconds": big["seconds"], "query_seconds": big["query_seconds"],
            "xlsx_seconds": round(big["seconds"] - big["query_seconds"] - big["store_seconds"], 2),
            "store_seconds": big["store_seconds"], "end_to_end_seconds": round(finished_at - queued_at, 2),
            "csv_seconds": baseline["seconds"], "csv_rows": baseline["rows"], "csv_bytes": baseline["bytes"],
            "xlsx_vs_csv": round(big["seconds"] / baseline["seconds"], 2) if baseline["seconds"] else None,
            # Read inside each work horse (a fork of the worker: it includes the worker's memory at fork).
            "worker_peak_memory_mb": big["peak_memory_mb"], "worker_start_memory_mb": big["start_rss_mb"],
            "small": {"rows": small["rows"], "rows_matching": small_matching, "job_seconds": small.get("seconds"),
                      "worker_peak_memory_mb": small.get("peak_memory_mb")},
            "memory_growth": growth, "worker_exit": proc.returncode,
            "cprofile_top": profiled["cprofile_top"], "profiled_rows": profiled["profiled_rows"],
            "profiled_separately": True}
