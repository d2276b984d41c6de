"""Entry point of the RQ worker: `python worker.py` (same as `flask --app app worker`)."""

from app import create_app
from app.jobs.worker import run_worker

if __name__ == "__main__":
    run_worker(create_app())
