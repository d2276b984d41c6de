"""Measure 1: the programme dashboard job vs plain GROUP BY vs pandas, each in its own process.

Every variant runs in a child process (`python -m bench.dashboard MODE URL START END`). Its figures
are timed without a profiler; the job is profiled in a separate pass afterwards. Peak memory is read
inside the child at its end: `VmHWM` of /proc/self/status (the high-water mark of the process's own
memory since its exec), with `getrusage(RUSAGE_SELF).ru_maxrss` beside it — on Linux the latter keeps
the peak of the parent's memory at fork, so it reads the bench's own size for a small child.
"""

import cProfile
import json
import resource
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
            started = time.perf_counter()
            compute_run(run_id)  # timed without a profiler
            timings.append(time.perf_counter() - started)
            db.session.expire_all()
            run = db.session.get(ReportRun, run_id)
            run_status, reports = run.status, len(run.results)
            db.session.delete(run)
            db.session.commit()
        peak = peak_memory()  # before the profiled pass, which allocates for its own statistics
        # Separate pass under cProfile: where the time goes, never the figure reported.
        name, stored = run_spec(None, ReportParams(start, end))
        run = ReportRun(name=name, params=stored, params_key=params_key(name, stored)[:58] + "-prof",
                        status="queued")
        db.session.add(run)
        db.session.commit()
        profile = cProfile.Profile()
        profile.enable()
        compute_run(run.id)
        profile.disable()
        db.session.expire_all()
        db.session.delete(db.session.get(ReportRun, run.id))
        db.session.commit()
    return {"seconds": timings[-1], "first_seconds": timings[0], "run_status": run_status, "reports": reports,
            "cprofile_top": top_functions(profile, 1, 18), "profiled_separately": True, **peak}


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


def peak_memory() -> dict:
    """This process's peak memory, read inside it: VmHWM (since exec) and ru_maxrss (since fork), in MB."""
    hwm = None
    try:
        with open("/proc/self/status") as status:
            hwm = next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), None)
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: kilobytes
    return {"peak_memory_mb": round((hwm or maxrss) / 1024, 1), "ru_maxrss_mb": round(maxrss / 1024, 1),
            "peak_memory_source": "VmHWM" if hwm else "ru_maxrss"}


MODES = {"job": _job, "group_by": _group_by, "pandas": _pandas, "facts_day": _facts_day}


def measure(mode: str, url: str, start: date, end: date, timeout: float = 900, quick: bool = False) -> dict:
    """Run one variant in a child process; its timings plus its peak memory (MB), measured by the child."""
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.dashboard", mode, url, str(start), str(end)]
                              + (["quick"] if quick else []), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": timeout}
    if proc.returncode != 0:
        err = proc.stderr.strip()
        return {"status": "error", "error": err.splitlines()[-1] if err else f"exit {proc.returncode}"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    result.setdefault("status", "ok")
    return result


def main() -> None:
    mode, url, start, end = sys.argv[1:5]
    options = {"attempts": 1} if mode == "job" and sys.argv[5:] == ["quick"] else {}
    result = MODES[mode](url, date.fromisoformat(start), date.fromisoformat(end), **options)
    result = {**peak_memory(), **result}  # the job measured its own before its profiled pass
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
