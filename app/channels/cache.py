"""Reference data (channels, sites, devices, procedures) cached per process, dropped when it changes.

Every ticket form reads the same few dozen rows; reading them from the database on every request
cost a third of a post's statements. `reference_snapshot()` returns detached copies loaded once per
process; `attach(row)` puts one into the request's session without a query (`merge(load=False)`),
so relationships and `session.get` work as usual.

Invalidation: any commit that inserted, changed or deleted one of these rows (admin pages, the
catalogue import, `load_reference`) drops this process's snapshot at once and bumps a version in
Redis that the other processes (gunicorn workers, RQ workers) read at most every
`CHECK_SECONDS`. When Redis does not answer, a snapshot lives at most `MAX_AGE_SECONDS`.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from app.channels.models import Channel, Device, DeviceInstallation, Procedure, Site
from app.extensions import db
from app.jobs.queue import get_redis

logger = logging.getLogger(__name__)

REFERENCE_MODELS = (Channel, Site, Device, DeviceInstallation, Procedure)
VERSION_KEY = "relais:reference-data:version"
CHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0
REDIS_RETRY_SECONDS = 30.0


@dataclass
class ReferenceSnapshot:
    """Detached copies of every reference row, as loaded at `loaded_at`."""

    channels: dict[str, Channel]
    sites: dict[int, Site]
    devices: dict[int, Device]
    procedures: list[Procedure]  # by label, the database's collation
    loaded_at: float = field(default_factory=time.monotonic)
    version: bytes | None = None

    def site_by_code(self, code: str) -> Site | None:
        return next((s for s in self.sites.values() if s.code == code), None)

    def procedure(self, procedure_id: int | None) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)


class ProcessSnapshots:
    """Per-process snapshots of rarely changed rows (one per database), dropped when those rows change.

    `get(load)` returns the current snapshot or `load(version)`'s new one (an object with `loaded_at`
    and `version`). A commit that inserted, changed or deleted a row of `models` drops this process's
    snapshots and bumps `version_key` in Redis, which the other processes read at most every
    `CHECK_SECONDS`; without Redis a snapshot lives at most `MAX_AGE_SECONDS`. A session holding
    uncommitted changes of those rows reads them afresh (its own writes), without keeping the result.
    """

    def __init__(self, version_key: str, models: tuple[type, ...]):
        self.version_key = version_key
        self.models = models
        self.snapshots: dict[str, object] = {}  # database URL -> snapshot
        self.checked_at: dict[str, float] = {}
        self._flag = f"changed:{version_key}"

    def get(self, load):
        """This process's snapshot, reloaded with `load(version)` when it changed or grew old."""
        app = current_app._get_current_object()
        if self.changed_in(db.session):
            return load(None)
        key = str(db.engine.url)
        now = time.monotonic()
        snapshot = self.snapshots.get(key)
        version = None
        if snapshot is not None and now - snapshot.loaded_at > MAX_AGE_SECONDS:
            snapshot = None
        if snapshot is not None and now - self.checked_at.get(key, 0.0) >= CHECK_SECONDS:
            self.checked_at[key] = now
            version = _redis_version(app, self.version_key)
            if version is not False and version != snapshot.version:
                snapshot = None
        if snapshot is None:
            if version is None:
                version = _redis_version(app, self.version_key)
            snapshot = load(None if version is False else version)
            with _lock:
                self.snapshots[key] = snapshot
                self.checked_at[key] = now
        return snapshot

    def changed_in(self, session) -> bool:
        """Whether `session` holds changes of these rows not committed yet."""
        return session.info.get(self._flag, False) or any(
            isinstance(obj, self.models) for obj in (*session.new, *session.dirty, *session.deleted))

    def invalidate(self, app=None) -> None:
        """Drop this process's snapshots and tell the other processes (Redis) that the data changed."""
        with _lock:
            self.snapshots.clear()
        app = app or current_app._get_current_object()
        if _redis_version(app, self.version_key) is False:
            return
        try:
            get_redis(app).incr(self.version_key)
        except (RedisError, OSError):
            logger.warning("Redis ne répond pas : les autres processus reliront le référentiel d'ici %s s",
                           int(MAX_AGE_SECONDS))

    def _note_changes(self, session, _flush_context) -> None:
        if any(isinstance(obj, self.models) for obj in (*session.new, *session.dirty, *session.deleted)):
            session.info[self._flag] = True

    def _after_commit(self, session) -> None:
        if session.info.pop(self._flag, False):
            self.invalidate()

    def _after_rollback(self, session, _previous_transaction) -> None:
        session.info.pop(self._flag, None)

    def watch(self) -> None:
        """Start with no snapshot; watch every session's flushes and commits for changes of these rows."""
        with _lock:
            self.snapshots.clear()
        if not event.contains(Session, "after_flush", self._note_changes):
            event.listen(Session, "after_flush", self._note_changes)
            event.listen(Session, "after_commit", self._after_commit)
            event.listen(Session, "after_soft_rollback", self._after_rollback)


_lock = threading.Lock()
_redis_down_until = [0.0]
_references = ProcessSnapshots(VERSION_KEY, REFERENCE_MODELS)
_snapshots = _references.snapshots
_checked_at = _references.checked_at


def _redis_version(app, key: str = VERSION_KEY) -> bytes | None | bool:
    """The shared version (None when never bumped); False when Redis does not answer."""
    if time.monotonic() < _redis_down_until[0]:
        return False
    try:
        return get_redis(app).get(key)
    except (RedisError, OSError):
        _redis_down_until[0] = time.monotonic() + REDIS_RETRY_SECONDS
        return False


def _load(version) -> ReferenceSnapshot:
    """Read every reference row in a session of its own on the request's connection, then detach them."""
    with Session(bind=db.session.connection()) as session:
        equipment = selectinload(Site.installations).selectinload(DeviceInstallation.device)
        channels = list(session.execute(db.select(Channel).options(selectinload(Channel.required_site)
                                                                   .options(equipment))).scalars())
        sites = list(session.execute(db.select(Site).options(equipment)).scalars())
        devices = list(session.execute(db.select(Device)).scalars())
        procedures = list(session.execute(db.select(Procedure).order_by(Procedure.label, Procedure.id)).scalars())
        session.expunge_all()
    return ReferenceSnapshot({c.code: c for c in channels}, {s.id: s for s in sites}, {d.id: d for d in devices},
                             procedures, version=version or None)


def reference_snapshot() -> ReferenceSnapshot:
    """This process's snapshot of the reference data, reloaded when it changed or grew old."""
    return _references.get(_load)


def attach(row):
    """`row` of the snapshot as an object of the current session (no query; None stays None).

    The session keeps a reference to it until it closes: its identity map alone holds clean objects
    weakly, and `session.get` must find the row there.
    """
    if row is None:
        return None
    merged = db.session.merge(row, load=False)
    db.session.info.setdefault("reference_rows", {})[(type(row).__name__, row.id)] = merged
    return merged


def invalidate(app=None) -> None:
    """Drop this process's reference snapshots and tell the other processes (Redis) that the data changed."""
    _references.invalidate(app)


def init_app(_app) -> None:
    """Start with no snapshot; watch every session's flushes and commits for changes of reference rows."""
    _references.watch()
