"""A 400,000-line ticket upload through the admin page, run by a real RQ worker, its progress sampled.

    DATABASE_URL=postgresql://postgres@127.0.0.1/relais_bench_import REDIS_URL=redis://127.0.0.1:6379/4 \
      .venv/bin/python -m bench.import_upload --lines 400000 --fresh-schema

Measures the upload request (it must stay far below the proxy's 65 s: it only keeps the file), then the
job: time per stage, lines read as the page's progress bar shows them, and the result. Writes
bench/results-import.json. `--fresh-schema` drops and rebuilds the database's schema (bench databases
only: the name must start with relais_bench). The file fits the 32 MB upload limit (~70 bytes a line).
"""

import argparse
import io
import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from app.timeutil import PARIS

HEADER = "opened_at;channel;site;device;procedure;resident_name;resident_phone;anonymous"
PILOT = ("mairie-02", "mairie-04", "mairie-12", "mairie-17")
DEVICES = ("kiosk", "tablet", "dual_screen")
PROCEDURES = ("critair", "compte-parisien", "passport", "bulky-waste", "parking-residential")
FIRST = ("Marie", "Paul", "Nina", "Louis", "Anne", "Karim", "Léa", "Hugo", "Inès", "Yann")
LAST = ("Martin", "Bernard", "Dubois", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Michel")
RESULTS = Path(__file__).with_name("results-import.json")


def make_file(lines: int, residents: int = 60_000, seed: int = 13) -> bytes:
    """`lines` historical tickets of 2017-2018: counter visits at the pilot town halls, anonymous 3975 calls."""
    rng = np.random.default_rng(seed)
    start = datetime(2017, 1, 2, 8, tzinfo=PARIS)
    minutes = np.sort(rng.integers(0, 2 * 365 * 24 * 60, lines))
    who = rng.integers(0, residents, lines)
    phone = rng.random(lines) < 0.15
    out = [HEADER]
    for i in range(lines):
        opened = (start + timedelta(minutes=int(minutes[i]))).strftime("%Y-%m-%d %H:%M")
        procedure = PROCEDURES[i % len(PROCEDURES)]
        if phone[i]:
            out.append(f"{opened};phone_3975;plateforme-3975;;{procedure};;;oui")
        else:
            r = int(who[i])
            name = f"{FIRST[r % 10]} {LAST[(r // 10) % 10]}{r}"
            out.append(f"{opened};counter;{PILOT[r % 4]};{DEVICES[i % 3]};{procedure};{name};"
                       f"06{r:08d};")
    return ("\n".join(out) + "\n").encode()


def _fresh_schema(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if not db.engine.url.database.startswith(("relais_bench", "relais_imports")):
            raise SystemExit(f"--fresh-schema refuse la base {db.engine.url.database!r} (pas une base de bench)")
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()


def _prepare(app) -> str:
    """Reference data and a bench admin; returns the admin's login."""
    from app.auth.models import Agent
    from app.auth.services import create_agent
    from app.channels.reference import load_reference
    from app.extensions import db

    with app.app_context():
        load_reference()
        if db.session.execute(db.select(Agent).where(Agent.login == "bench.import")).scalar_one_or_none() is None:
            create_agent("bench.import", "admin", "bench-relais-2026", name="Import (bench)")
        db.session.commit()
    return "bench.import"


def _sample(app, run_id: int, stop: threading.Event, samples: list) -> None:
    """What the run page shows, every second, until the job is done."""
    from app.extensions import db
    from app.tickets.import_models import ImportRun

    started = time.monotonic()
    while not stop.is_set():
        with app.app_context():
            run = db.session.get(ImportRun, run_id)
            samples.append({"s": round(time.monotonic() - started, 1), "status": run.status, "stage": run.stage,
                            "lines_read": run.lines_read, "lines_total": run.lines_total,
                            "errors": run.error_count, "percent": run.percent})
            if run.done:
                return
        stop.wait(1.0)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lines", type=int, default=400_000)
    parser.add_argument("--fresh-schema", action="store_true")
    args = parser.parse_args(argv)
    from rq import SimpleWorker

    from app import create_app
    from app.extensions import db
    from app.jobs.worker import build_worker
    from app.tickets.import_models import ImportRun

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "REDIS_URL": os.environ["REDIS_URL"],
                      "WTF_CSRF_ENABLED": False, "JOBS_IN_PROCESS": False, "RATELIMIT_ENABLED": False})
    if args.fresh_schema:
        _fresh_schema(app)
    login = _prepare(app)
    data = make_file(args.lines)
    client = app.test_client()
    client.post("/auth/login", data={"login": login, "password": "bench-relais-2026"})
    t0 = time.monotonic()
    response = client.post("/tickets/import", data={"file": (io.BytesIO(data), "historique-bench.csv")},
                           content_type="multipart/form-data")
    upload_s = time.monotonic() - t0
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    samples, stop = [], threading.Event()
    sampler = threading.Thread(target=_sample, args=(app, run_id, stop, samples))
    sampler.start()
    t1 = time.monotonic()
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    job_s = time.monotonic() - t1
    stop.set()
    sampler.join()
    with app.app_context():
        run = db.session.get(ImportRun, run_id)
        result = {"status": run.status, "error": run.error, **{k: v for k, v in run.result.items() if k != "errors"},
                  "first_errors": run.result.get("errors", [])[:5]}
    stages = {}
    for sample in samples:
        if sample["stage"]:
            stages.setdefault(sample["stage"], sample["s"])
    out = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "lines": args.lines,
           "file_mb": round(len(data) / 2**20, 1), "upload_request_s": round(upload_s, 2),
           "job_s": round(job_s, 1), "stage_first_seen_s": stages, "load_average": os.getloadavg(),
           "result": result, "progress_samples": samples[:: max(1, len(samples) // 40)]}
    RESULTS.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "progress_samples"}, indent=1, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
