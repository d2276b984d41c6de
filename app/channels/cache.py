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
from app.jobs import get_redis

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


_lock = threading.Lock()
_snapshots: dict[str, ReferenceSnapshot] = {}  # database URL -> snapshot
_checked_at: dict[str, float] = {}
_redis_down_until = [0.0]


def _redis_version(app) -> bytes | None | bool:
    """The shared version (None when never bumped); False when Redis does not answer."""
    if time.monotonic() < _redis_down_until[0]:
        return False
    try:
        return get_redis(app).get(VERSION_KEY)
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
    app = current_app._get_current_object()
    key = str(db.engine.url)
    now = time.monotonic()
    snapshot = _snapshots.get(key)
    version = None
    if snapshot is not None and now - snapshot.loaded_at > MAX_AGE_SECONDS:
        snapshot = None
    if snapshot is not None and now - _checked_at.get(key, 0.0) >= CHECK_SECONDS:
        _checked_at[key] = now
        version = _redis_version(app)
        if version is not False and version != snapshot.version:
            snapshot = None
    if snapshot is None:
        if version is None:
            version = _redis_version(app)
        snapshot = _load(None if version is False else version)
        with _lock:
            _snapshots[key] = snapshot
            _checked_at[key] = now
    return snapshot


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
    """Drop this process's snapshots and tell the other processes (Redis) that the data changed."""
    with _lock:
        _snapshots.clear()
    app = app or current_app._get_current_object()
    if _redis_version(app) is False:
        return
    try:
        get_redis(app).incr(VERSION_KEY)
    except (RedisError, OSError):
        logger.warning("Redis ne répond pas : les autres processus reliront le référentiel d'ici %s s",
                       int(MAX_AGE_SECONDS))


def _note_reference_changes(session, _flush_context) -> None:
    if any(isinstance(obj, REFERENCE_MODELS) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["reference_changed"] = True


def _after_commit(session) -> None:
    if session.info.pop("reference_changed", False):
        invalidate()


def _after_rollback(session, _previous_transaction) -> None:
    session.info.pop("reference_changed", None)


def init_app(_app) -> None:
    """Start with no snapshot; watch every session's flushes and commits for changes of reference rows."""
    with _lock:
        _snapshots.clear()
    if not event.contains(Session, "after_flush", _note_reference_changes):
        event.listen(Session, "after_flush", _note_reference_changes)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
