"""The training rules' reference part (requirements, modules, site policies) cached per process.

Admins edit these rows rarely; every ticket save reads them. They are served from a per-process
snapshot invalidated like the channels' reference data (`app.channels.cache.ProcessSnapshots`: a
version in Redis bumped on commit of a change, at most `MAX_AGE_SECONDS` old without Redis). The
agents' training records are not cached: they are read for each verdict (`app.training.rules`).
"""

import time
from dataclasses import dataclass, field

from app.channels.cache import ProcessSnapshots
from app.extensions import db
from app.training.models import TrainingModule, TrainingRequirement, TrainingSitePolicy

VERSION_KEY = "relais:training-rules:version"
_rules = ProcessSnapshots(VERSION_KEY, (TrainingRequirement, TrainingModule, TrainingSitePolicy))


@dataclass(frozen=True)
class RulesReference:
    """Plain values: requirements (module, scope, procedure, channel), modules, policies by site."""

    requirements: tuple[tuple[int, str, int | None, int | None], ...]
    modules: dict[int, tuple[str, str]]  # id -> (code, title)
    policies: dict[int, str]  # site id -> refuse / flag
    loaded_at: float = field(default_factory=time.monotonic)
    version: bytes | None = None


def _load(version) -> RulesReference:
    requirements = tuple(tuple(row) for row in db.session.execute(db.select(
        TrainingRequirement.module_id, TrainingRequirement.scope, TrainingRequirement.procedure_id,
        TrainingRequirement.channel_id).order_by(TrainingRequirement.id)))
    modules = {row.id: (row.code, row.title) for row in db.session.execute(
        db.select(TrainingModule.id, TrainingModule.code, TrainingModule.title))}
    policies = dict(db.session.execute(db.select(TrainingSitePolicy.site_id, TrainingSitePolicy.on_missing)).all())
    return RulesReference(requirements, modules, policies, version=version or None)


def rules_reference() -> RulesReference:
    """This process's snapshot of requirements, modules and policies, reloaded when they changed."""
    return _rules.get(_load)


def invalidate(app=None) -> None:
    """Drop this process's snapshot and tell the other processes (Redis) that the rules changed."""
    _rules.invalidate(app)


def init_app(_app) -> None:
    """Start with no snapshot; watch every session's commits for changes of these rows."""
    _rules.watch()
