"""Measure the product at city scale, each figure beside its baseline in the same run.

    python -m bench.run            # on the full database (BENCH_DATABASE_URL, default relais_bench)
    python -m bench.run --quick    # generates a small city into relais_bench_quick and measures it (CI)

Writes `results.json` and the table of `RESULTS.md` (between its bench markers, the rest of the file
is kept) into `bench/` for a full run, `instance/bench-quick/` for a quick one. A measurement whose
feature is missing or which fails is reported as such, never estimated.
"""

import argparse
import json
import os
import platform
import subprocess
import time
import traceback
from datetime import date, timedelta
from pathlib import Path

import psycopg

from bench import dashboard, profiles, search, web
from bench.prepare import BENCH_MANAGER, dsn_of
from bench.report import evaluate_targets, write_markdown

ROOT = Path(__file__).resolve().parent.parent
FULL_URL = "postgresql://postgres@127.0.0.1/relais_bench"
QUICK_URL = "postgresql://postgres@127.0.0.1/relais_bench_quick"
QUICK_SIZE = (20_000, 110_000)  # enough tickets for the 100,000-row export
EXPORT_ROWS = 100_000
MEASURES = ("dashboard", "search", "logging", "pages", "export")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _guard(name: str, func, *args) -> dict:
    """Run one measurement; an exception becomes an `error` entry with its last line.

    The load average is printed and kept before and after it: the machine is shared, and a figure
    means little without the load it was taken under.
    """
    started = time.perf_counter()
    load_before = _load()
    print(f"== {name} (load average before: {load_before})", flush=True)
    try:
        result = func(*args)
    except Exception as exc:  # noqa: BLE001 - one failed measurement must not hide the others
        traceback.print_exc()
        result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:500]}
    result.setdefault("status", "ok")
    result["load_average_before"] = load_before
    result["load_average_after"] = _load()
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(f"{name}: {result['status']} in {result['wall_seconds']} s (load average after: "
          f"{result['load_average_after']})", flush=True)
    return result


def database_facts(url: str) -> dict:
    with psycopg.connect(dsn_of(url)) as conn:
        residents = conn.execute("SELECT count(*) FROM residents").fetchone()[0]
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        last = conn.execute("SELECT max((opened_at AT TIME ZONE 'Europe/Paris')::date) FROM tickets").fetchone()[0]
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    return {"residents": residents, "tickets": tickets, "last_day": str(last), "database_size": size,
            "postgresql": version, "shared_buffers": shared}


def measure_dashboard(url: str, last_day: date, quick: bool) -> dict:
    start, end = last_day - timedelta(days=364), last_day
    result = {"period": [str(start), str(end)]}
    for mode in ("job", "group_by", "pandas", "facts_day"):
        result[mode] = dashboard.measure(mode, url, start, end, quick=quick)
    job = result["job"]
    if job.get("status") == "ok" and job.get("seconds"):
        for mode in ("group_by", "pandas"):
            if result[mode].get("status") == "ok":
                result[f"speedup_vs_{mode}"] = round(result[mode]["seconds"] / job["seconds"], 1)
    return result


def measure_http(url: str, redis_url: str, port: int, quick: bool, out_dir: Path, which: set) -> dict:
    """Pages and ticket logging over HTTP; what the requests wrote is removed afterwards."""
    marks = web.data_marks(url)
    result = {}
    try:
        server = web.Server(url, redis_url, port, str(out_dir / "gunicorn-access.log"))
        try:
            server.wait_ready()
            sessions = web.sign_in_sessions(port, "plateforme-3975", web.SESSIONS)
            if "pages" in which:
                result["pages"] = _guard("pages", web.measure_pages, url, port, sessions[0], 10 if quick else 40)
            if "logging" in which:
                result["logging"] = _guard("logging", web.measure_logging, url, port, sessions, (1, 16, 64),
                                           2 if quick else 20)
        finally:
            server.stop()
        if "logging" in which:
            result["logging"]["synchronous_commit_off"] = _guard(
                "logging, synchronous_commit = off", measure_commit_setting, url, redis_url, port, out_dir,
                "off", 2 if quick else 20)
            result["logging"]["profile"] = _guard("logging profile", profiles.profile_form_post, url,
                                                  10 if quick else 30)
    finally:
        result["cleanup"] = {"status": "ok", **web.restore_data(url, marks)}
    return result


def measure_commit_setting(url: str, redis_url: str, port: int, out_dir: Path, value: str, seconds: float) -> dict:
    """The form and the bare insert at 16 clients on a server whose connections set synchronous_commit."""
    server = web.Server(url, redis_url, port, str(out_dir / "gunicorn-access-commit.log"),
                        pg_options=f"-c synchronous_commit={value}")
    try:
        server.wait_ready()
        sessions = web.sign_in_sessions(port, "plateforme-3975", web.SESSIONS)
        result = web.measure_logging(url, port, sessions, (16,), seconds)
    finally:
        server.stop()
    result["synchronous_commit"] = value
    return result


def generation_of(url: str, out_dir: Path, facts: dict) -> dict | None:
    """The timings of the generation that built this database (None when the file is another's)."""
    path = out_dir / "generate.json"
    if not path.exists():
        return None
    generation = json.loads(path.read_text())
    name = dsn_of(url).rsplit("/", 1)[-1].split("?")[0]
    if generation.get("database") not in (None, name) or generation.get("residents") != facts["residents"]:
        return {"stale": True, "reason": f"{path.name} décrit la base {generation.get('database')} "
                                         f"({generation.get('residents')} usagers), pas celle-ci"}
    return generation


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="generate and measure a small city (CI)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: BENCH_DATABASE_URL or relais_bench)")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "5107")))
    parser.add_argument("--only", nargs="*", choices=MEASURES, help="run only these measurements")
    parser.add_argument("--output-dir", help="where results.json and RESULTS.md go")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    url = args.database_url or (QUICK_URL if args.quick else os.environ.get("BENCH_DATABASE_URL", FULL_URL))
    out_dir = Path(args.output_dir or (ROOT / "instance" / "bench-quick" if args.quick else ROOT / "bench"))
    out_dir.mkdir(parents=True, exist_ok=True)
    which = set(args.only or MEASURES)
    started = time.perf_counter()
    meta = {"started_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "quick": args.quick, "cpus": os.cpu_count(),
            "python": platform.python_version(), "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "only": sorted(args.only) if args.only else None}
    if args.quick:
        from bench import generate

        residents, tickets = QUICK_SIZE
        generate.main(["--residents", str(residents), "--tickets", str(tickets), "--fresh-database",
                       "--database-url", url, "--timings-file", str(out_dir / "generate.json")])
    meta["database"] = database_facts(url)
    meta["generation"] = generation_of(url, out_dir if args.quick else ROOT / "bench", meta["database"])
    subprocess.run(["redis-cli", "-u", args.redis_url, "FLUSHDB"], check=False, capture_output=True)
    generated_last = (meta["generation"] or {}).get("last_day")
    last_day = date.fromisoformat(generated_last or meta["database"]["last_day"])
    measures: dict = {}
    if "dashboard" in which:
        measures["dashboard"] = _guard("dashboard", measure_dashboard, url, last_day, args.quick)
    diagnostics: dict = {}
    if "dashboard" in which and not args.quick:  # where the generator's facts step spends its time
        diagnostics["facts_span"] = _guard("facts profile", profiles.profile_facts_span, url,
                                           last_day - timedelta(days=61), last_day)
    if "search" in which:
        measures["search"] = _guard("search", search.measure, url, args.quick)
    if which & {"logging", "pages"}:
        measures.update(measure_http(url, args.redis_url, args.port, args.quick, out_dir, which))
    if "export" in which:
        from bench import export

        measures["export"] = _guard("export", export.measure, url, args.redis_url, EXPORT_ROWS,
                                    10_000 if args.quick else None)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["bench_manager"] = BENCH_MANAGER
    results = {"meta": meta, "measures": measures, "targets": evaluate_targets(measures, args.quick),
               "diagnostics": diagnostics}
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_markdown(out_dir / "RESULTS.md", results)
    print(f"bench.run: {out_dir / 'results.json'} and {out_dir / 'RESULTS.md'} written in {meta['seconds']} s")
    return results


def failures(results: dict) -> list[str]:
    """Measurements that did not run (error or missing feature) and judged targets not met.

    The quick mode judges counts and ratios only (statements per post, the words index used by the
    typo search, search against the driver, the export's rows): never an absolute time.
    """
    bad = [f"target {t['name']}: {t['value']} (target {t['target']})" for t in results["targets"]
           if t["judged"] and t["met"] is False]
    if not results["meta"].get("only"):  # a partial run (--only) leaves the other targets unmeasured
        bad += [f"target {t['name']}: not measured" for t in results["targets"] if t["judged"] and t["met"] is None]
    for name, measure in results["measures"].items():
        if measure.get("status") != "ok":
            bad.append(f"{name}: {measure.get('status')} {measure.get('error') or measure.get('reason') or ''}")
        for key, part in measure.items():
            if isinstance(part, dict) and part.get("status") not in (None, "ok"):
                bad.append(f"{name}.{key}: {part.get('status')} {part.get('error') or part.get('reason') or ''}")
    return bad


if __name__ == "__main__":
    problems = failures(main())
    for problem in problems:
        print("bench.run: " + problem)
    raise SystemExit(1 if problems else 0)
