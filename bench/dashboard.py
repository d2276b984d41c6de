"""Measure 1: the programme dashboard job vs plain GROUP BY vs pandas, each in its own process.

Every variant runs in a child process (`python -m bench.dashboard MODE URL START END`) so its peak
memory is its own: the parent reads the child's maximum resident set size from `os.wait4`, the
per-child form of `getrusage(RUSAGE_CHILDREN)`.
"""

import cProfile
import json
import os
import subprocess
import sys
import time
from datetime import date


def _job(url: str, start: date, end: date, attempts: int = 2) -> dict:
    """The product's job function, as a worker runs it: compute_run over every report of the period."""
    from app.extensions import db
    from app.reports.models import ReportRun
    from app.reports.params import ReportParams, params_key
    from app.reports.services import run_spec
    from app.reports.tasks import compute_run
    from bench.prepare import bench_app
    from bench.profiles import top_functions

    app = bench_app(url)
    timings = []
    with app.app_context():
        for _attempt in range(attempts):  # the first includes lazy imports (matplotlib) and cold caches
            name, stored = run_spec(None, ReportParams(start, end))
            run = ReportRun(name=name, params=stored, params_key=params_key(name, stored)[:58] + "-bench",
                            status="queued")
            db.session.add(run)
            db.session.commit()
            run_id = run.id
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            compute_run(run_id)
            profile.disable()
            timings.append(time.perf_counter() - started)
            db.session.expire_all()
            run = db.session.get(ReportRun, run_id)
            run_status, reports = run.status, len(run.results)
            db.session.delete(run)
            db.session.commit()
    return {"seconds": timings[-1], "first_seconds": timings[0], "run_status": run_status, "reports": reports,
            "cprofile_top": top_functions(profile, 1, 18)}


def _group_by(url: str, start: date, end: date) -> dict:
    import psycopg

    from bench.baselines import plain_group_by
    from bench.prepare import dsn_of

    timings = []
    with psycopg.connect(dsn_of(url)) as conn:
        for _attempt in range(2):
            started = time.perf_counter()
            rows = plain_group_by(conn, start, end)
            timings.append(time.perf_counter() - started)
    return {"seconds": timings[-1], "first_seconds": timings[0], "reports": len(rows),
            "tickets": sum(r[-1] for r in rows["volume"])}


def _pandas(url: str, start: date, end: date) -> dict:
    from bench.baselines import pandas_groupby
    from bench.prepare import dsn_of

    started = time.perf_counter()
    result = pandas_groupby(dsn_of(url).replace("postgresql://", "postgresql+psycopg://", 1), start, end)
    return {"seconds": time.perf_counter() - started, "reports": len(result) - 1, "tickets": result["_rows"]}


def _facts_day(url: str, start: date, end: date) -> dict:
    """The reports domain's rebuild_facts for the last day of the period, committed (idempotent)."""
    from bench.prepare import bench_app, build_facts

    result = build_facts(bench_app(url), end, end)
    if result["status"] != "built":
        return result
    return {"seconds": result["seconds"], "day": str(end)}


MODES = {"job": _job, "group_by": _group_by, "pandas": _pandas, "facts_day": _facts_day}


def measure(mode: str, url: str, start: date, end: date, timeout: float = 900, quick: bool = False) -> dict:
    """Run one variant in a child process; its timings plus its peak memory (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.dashboard", mode, url, str(start), str(end)]
                            + (["quick"] if quick else []),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"status": "timeout", "seconds": timeout}
        time.sleep(0.05)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return {"status": "error", "error": err.strip().splitlines()[-1] if err.strip() else "exit " + str(status)}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_memory_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    result.setdefault("status", "ok")
    return result


def main() -> None:
    mode, url, start, end = sys.argv[1:5]
    options = {"attempts": 1} if mode == "job" and sys.argv[5:] == ["quick"] else {}
    result = MODES[mode](url, date.fromisoformat(start), date.fromisoformat(end), **options)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
