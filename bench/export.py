"""Measure 5: a 100,000-row XLSX export computed by a real RQ worker.

The product's XLSX exports are the report runs' files (`app.reports.exports.build_xlsx`), whose tables
are aggregates of a few thousand rows at most; it has no job that exports 100,000 rows. This bench
job therefore composes two product functions: the ticket list export query
(`app.tickets.queries.export_rows`) feeding 100,000 tickets to the product's XLSX writer, on the
reports queue of a real worker (`app.workers.run_worker`, burst mode). Results say so.
"""

import cProfile
import os
import subprocess
import sys
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSITION = ("bench job: app.tickets.queries.export_rows (100,000 tickets) -> app.reports.exports.build_xlsx, "
               "run by app.workers.run_worker on the relais-reports queue; the product has no 100,000-row export job")


def xlsx_job(row_count: int, profile_rows: int | None = None) -> dict:
    """RQ job (bench only): `row_count` tickets of the list export written as one XLSX workbook.

    Timed without a profiler; then the same rows through the reports' CSV writer (the baseline of the
    ratio); the peak memory is read inside the work horse before a separate profiled pass.
    """
    import pandas as pd

    from app.reports.exports import build_csv, build_xlsx
    from app.reports.params import ReportParams
    from app.reports.registry import Report
    from app.tickets.export import EXPORT_COLUMNS
    from app.tickets.queries import TicketFilters, export_rows
    from bench.dashboard import peak_memory
    from bench.profiles import top_functions

    started = time.perf_counter()
    rows = [tuple(row) for row in islice(export_rows(TicketFilters()), row_count)]
    fetched = time.perf_counter()
    frame = pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
    output = {"summary": {"tickets": len(frame)}, "tables": {"tickets": frame}}
    opened = frame["opened_at"]
    period = ReportParams(opened.min().date(), opened.max().date()) if len(frame) else ReportParams(
        date.today(), date.today())
    computed = [(Report("tickets", "Tickets", lambda params: output), output)]
    content = build_xlsx(computed, period)
    done = time.perf_counter()
    csv_content = build_csv(computed, period)
    csv_done = time.perf_counter()
    peak = peak_memory()
    if profile_rows is not None and profile_rows < len(frame):  # a slice is enough to see where time goes
        part = {"summary": output["summary"], "tables": {"tickets": frame.head(profile_rows)}}
        computed = [(Report("tickets", "Tickets", lambda params: part), part)]
    profile = cProfile.Profile()
    profile.enable()
    build_xlsx(computed, period)
    profile.disable()
    return {"cprofile_top": top_functions(profile, 1, 10), "profiled_separately": True,
            "profiled_rows": min(profile_rows or len(frame), len(frame)), "rows": len(frame),
            "bytes": len(content), "query_seconds": round(fetched - started, 2),
            "xlsx_seconds": round(done - fetched, 2), "seconds": round(done - started, 2),
            "csv_seconds": round(csv_done - done, 2), "csv_bytes": len(csv_content),
            "peak_memory_mb": peak["peak_memory_mb"], "ru_maxrss_mb": peak["ru_maxrss_mb"]}


def measure(url: str, redis_url: str, row_count: int, profile_rows: int | None = None) -> dict:
    """Enqueue the job, run a burst worker, wait for the result."""
    from redis import Redis
    from rq import Queue

    from app.config import QUEUE_REPORTS
    from app.jobs import AppJob

    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUE_REPORTS, connection=connection, job_class=AppJob)
    queued_at = time.perf_counter()
    job = queue.enqueue(xlsx_job, row_count, profile_rows, job_timeout=900, result_ttl=600)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url)
    code = ("from app import create_app; from app.workers import run_worker; "
            f"run_worker(create_app(), burst=True, queues=[{QUEUE_REPORTS!r}], periodic=False)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc.communicate()
    status = proc.returncode
    finished_at = time.perf_counter()
    job.refresh()
    if job.get_status() != "finished":
        latest = job.latest_result()
        reason = (latest.exc_string or "").strip().splitlines()[-1:] if latest else []
        return {"status": "error", "error": f"job {job.get_status()}: {reason}"}
    result = job.return_value()
    return {"status": "ok", "composition": COMPOSITION, "rows": result["rows"], "bytes": result["bytes"],
            "job_seconds": result["seconds"], "query_seconds": result["query_seconds"],
            "xlsx_seconds": result["xlsx_seconds"], "end_to_end_seconds": round(finished_at - queued_at, 2),
            "csv_seconds": result["csv_seconds"],
            "xlsx_vs_csv": round(result["xlsx_seconds"] / result["csv_seconds"], 2) if result["csv_seconds"] else None,
            # Read inside the work horse (forked from the worker, so it includes the worker's memory at fork).
            "worker_peak_memory_mb": result["peak_memory_mb"], "worker_exit": status,
            "cprofile_top": result["cprofile_top"], "profiled_separately": True}
