"""Training use cases: record a session, change a module, a requirement or a site's policy. All audited.

Services add and flush, never commit. Errors are `TrainingError(field, French message)`. `by` is the agent
making the change; `actor` (who and from where, for the audit entry) defaults to `by` with no address.
"""

import calendar
import logging
from datetime import date

from sqlalchemy.exc import IntegrityError

from app.audit.actor import Actor
from app.audit.services import record as audit
from app.extensions import db
from app.timeutil import paris_day, utcnow
from app.training.models import (
    DEFAULT_POLICY,
    POLICIES,
    SCOPES,
    TrainingModule,
    TrainingRecord,
    TrainingRequirement,
    TrainingSitePolicy,
)
from app.training.queries import find_record, find_requirement, records_of_module

logger = logging.getLogger(__name__)


class TrainingError(ValueError):
    """A training change that breaks a rule; `field` names the form field or file column."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(module: TrainingModule, trained_on: date) -> date | None:
    """When a session of `module` followed on `trained_on` stops counting (None: never)."""
    return add_months(trained_on, module.validity_months) if module.validity_months else None


def check_training_day(trained_on: date, today: date) -> None:
    """A session cannot be recorded in the future."""
    if trained_on > today:
        raise TrainingError("trained_on", f"la date {trained_on:%d/%m/%Y} est dans le futur.")


def record_training(agent, module: TrainingModule, trained_on: date, trainer: str | None = None,
                    source: str = "form", by=None, today: date | None = None, *,
                    actor: Actor | None = None) -> tuple[TrainingRecord, bool]:
    """Add a session to an agent's record; returns (record, created). The same session twice adds nothing.

    The expiry is computed from the module's validity. Audited (`training.record`, ids only).
    """
    check_training_day(trained_on, today or paris_day(utcnow()))
    if not module.active:
        raise TrainingError("module", f"le module « {module.code} » est désactivé.")
    trainer = (trainer or "").strip() or None
    if trainer and len(trainer) > 200:
        raise TrainingError("trainer", "200 caractères au plus.")
    existing = find_record(agent.id, module.id, trained_on)
    if existing is not None:
        return existing, False
    row = TrainingRecord(agent_id=agent.id, module_id=module.id, trained_on=trained_on,
                         expires_on=expiry_of(module, trained_on), trainer=trainer, source=source,
                         created_by_id=by.id if by is not None else None)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # recorded meanwhile by someone else: the same session
        return find_record(agent.id, module.id, trained_on), False
    audit("training.record", actor or Actor(by), object_type="training_record", object_id=row.id,
          detail={"agent_id": agent.id, "module": module.code, "fields": ["trained_on", "trainer"],
                  "source": source})
    return row, True


def _clean_module_values(values: dict) -> dict:
    title = (values.get("title") or "").strip()
    if not title:
        raise TrainingError("title", "Intitulé : valeur obligatoire.")
    validity = values.get("validity_months")
    if validity is not None and (validity < 1 or validity > 240):
        raise TrainingError("validity_months", "Validité : entre 1 et 240 mois, ou vide (sans limite).")
    return {"title": title[:200], "description": (values.get("description") or "").strip() or None,
            "validity_months": validity, "active": bool(values.get("active", True))}


def create_module(code: str, values: dict, by=None, *, actor: Actor | None = None) -> TrainingModule:
    """A new module; its code is unique (the service checks, the database constraint stands behind)."""
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or not all(c.isalnum() or c == "-" for c in code):
        raise TrainingError("code", "Code : lettres minuscules, chiffres et tirets, 40 caractères au plus.")
    if db.session.execute(db.select(TrainingModule.id).where(TrainingModule.code == code)).first():
        raise TrainingError("code", f"Code : le module « {code} » existe déjà.")
    module = TrainingModule(code=code, **_clean_module_values(values))
    db.session.add(module)
    db.session.flush()
    audit("training.module", actor or Actor(by), object_type="training_module", object_id=module.id,
          detail={"operation": "create", "fields": sorted(_clean_module_values(values))})
    return module


def update_module(module: TrainingModule, values: dict, by=None, *, actor: Actor | None = None) -> list[str]:
    """Change a module; a new validity recomputes its sessions' expiries. Returns the changed fields."""
    cleaned = _clean_module_values(values)
    changed = [name for name, value in cleaned.items() if getattr(module, name) != value]
    for name in changed:
        setattr(module, name, cleaned[name])
    if "validity_months" in changed:
        for row in records_of_module(module.id):
            row.expires_on = expiry_of(module, row.trained_on)
    if changed:
        db.session.flush()
        audit("training.module", actor or Actor(by), object_type="training_module", object_id=module.id,
              detail={"operation": "update", "fields": changed})
    return changed


def add_requirement(module: TrainingModule, scope: str, procedure=None, channel=None, by=None, *,
                    actor: Actor | None = None) -> tuple[TrainingRequirement, bool]:
    """`module` becomes required for `scope` (payment, state, one procedure, one channel); (row, created)."""
    if scope not in SCOPES:
        raise TrainingError("scope", "Portée : valeur inconnue.")
    if scope == "procedure" and procedure is None:
        raise TrainingError("procedure", "Choisissez la démarche.")
    if scope == "channel" and channel is None:
        raise TrainingError("channel", "Choisissez le canal.")
    procedure_id = procedure.id if scope == "procedure" else None
    channel_id = channel.id if scope == "channel" else None
    existing = find_requirement(module.id, scope, procedure_id, channel_id)
    if existing is not None:
        return existing, False
    row = TrainingRequirement(module_id=module.id, scope=scope, procedure_id=procedure_id, channel_id=channel_id)
    db.session.add(row)
    db.session.flush()
    audit("training.requirement", actor or Actor(by), object_type="training_requirement", object_id=row.id,
          detail={"operation": "add", "module": module.code, "scope": scope, "procedure_id": procedure_id,
                  "channel_id": channel_id})
    return row, True


def remove_requirement(requirement: TrainingRequirement, by=None, *, actor: Actor | None = None) -> None:
    """Stop requiring a module (tickets saved before keep their flag)."""
    detail = {"operation": "remove", "module_id": requirement.module_id, "scope": requirement.scope,
              "procedure_id": requirement.procedure_id, "channel_id": requirement.channel_id}
    audit("training.requirement", actor or Actor(by), object_type="training_requirement", object_id=requirement.id,
          detail=detail)
    db.session.delete(requirement)
    db.session.flush()


def set_site_policy(site, on_missing: str, by=None, *, actor: Actor | None = None) -> bool:
    """What `site` does when an agent lacks a required module (refuse / flag); returns whether it changed."""
    if on_missing not in POLICIES:
        raise TrainingError("on_missing", "Choix inconnu : refuser, ou enregistrer et signaler.")
    policy = db.session.get(TrainingSitePolicy, site.id)
    before = policy.on_missing if policy is not None else DEFAULT_POLICY
    if before == on_missing:
        return False
    if policy is None:
        policy = TrainingSitePolicy(site_id=site.id)
        db.session.add(policy)
    policy.on_missing = on_missing
    db.session.flush()
    audit("training.site_policy", actor or Actor(by), object_type="site", object_id=site.id,
          detail={"fields": ["on_missing"], "from": before, "to": on_missing})
    return True
