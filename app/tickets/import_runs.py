"""Import runs: an uploaded ticket file is kept with its content hash, then checked and written by a job.

`create_import_run` refuses a file already imported (same bytes) unless the admin confirms, so a
retried upload never duplicates the lines that have no `external_ref`; `enqueue_import` hands the
committed run to the worker (in-process without Redis, as every job).
"""

import hashlib

from app.cards.detector import contains_card_number
from app.config import QUEUE_DEFAULT
from app.extensions import db
from app.jobs.queue import enqueue
from app.tickets.import_models import ImportRun
from app.tickets.importing import FILE_NAME_CARD_MESSAGE
from app.tickets.tasks import run_import
from app.timeutil import to_paris

JOB_TIMEOUT = 30 * 60
RESULT_TTL = 300  # the database is the record: Redis keeps the job briefly
ACTIVE = ("queued", "running")


class DuplicateImportError(Exception):
    """The same file was already imported (or is being imported); `previous` is that run."""

    def __init__(self, previous: ImportRun):
        when = to_paris(previous.finished_at or previous.queued_at).strftime("%d/%m/%Y à %H:%M")
        who = f" par {previous.agent.name}" if previous.agent is not None else ""
        state = "est en cours d'import" if previous.status in ACTIVE else "a déjà été importé"
        super().__init__(f"Ce fichier (même contenu) {state} le {when}{who} (import n° {previous.id}). "
                         "Le réimporter créerait une seconde fois les lignes sans référence externe : cochez "
                         "« Importer quand même » si c'est bien voulu.")
        self.previous = previous


class FileNameCardError(Exception):
    """The uploaded file's name holds a card number: nothing is kept (the name would be stored)."""

    def __init__(self):
        super().__init__(FILE_NAME_CARD_MESSAGE)


def content_hash(data: bytes) -> str:
    """The file's identity: SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def previous_import(digest: str) -> ImportRun | None:
    """The latest run that imported (or is importing) a file with this hash; dry runs and refusals don't count."""
    return db.session.execute(
        db.select(ImportRun).where(ImportRun.content_hash == digest, ImportRun.dry_run.is_(False),
                                   ImportRun.status.in_(("finished", *ACTIVE)))
        .order_by(ImportRun.id.desc()).limit(1)).scalar_one_or_none()


def create_import_run(data: bytes, file_name: str, agent, dry_run: bool = False,
                      confirmed: bool = False) -> ImportRun:
    """Keep an uploaded file as a queued run; raises DuplicateImportError for a file already imported.

    A dry run, or a run the admin `confirmed`, is never refused. The caller commits, then enqueues.
    Raises FileNameCardError, before anything is kept, when the file's name holds a card number.
    """
    if contains_card_number(file_name):
        raise FileNameCardError()
    digest = content_hash(data)
    if not dry_run and not confirmed:
        previous = previous_import(digest)
        if previous is not None:
            raise DuplicateImportError(previous)
    run = ImportRun(file_name=(file_name or "import.csv")[:255], content_hash=digest, data=data, dry_run=dry_run,
                    status="queued", agent_id=agent.id if agent is not None else None,
                    lines_total=max(0, data.rstrip(b"\n").count(b"\n")), lines_read=0, error_count=0, result={})
    db.session.add(run)
    db.session.flush()
    return run


def import_job_id(run: ImportRun) -> str:
    """The run's job id on the queue (deterministic: enqueuing a run twice starts one job)."""
    return f"import-{run.id}"


def enqueue_import(run: ImportRun):
    """Hand a committed run to the worker (deterministic job id); without Redis it runs here, now."""
    return enqueue(run_import, run.id, queue=QUEUE_DEFAULT, job_id=import_job_id(run), job_timeout=JOB_TIMEOUT,
                   result_ttl=RESULT_TTL, failure_ttl=7 * 24 * 3600)


def get_import_run(run_id: int) -> ImportRun | None:
    """The import run with this id; None when unknown."""
    return db.session.get(ImportRun, run_id)


def list_import_runs(limit: int = 10) -> list[ImportRun]:
    """The latest import runs, newest first."""
    return list(db.session.execute(db.select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).scalars())
