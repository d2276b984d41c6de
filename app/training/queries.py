"""Read side of training: modules, records, requirements, statuses, reminders and report aggregates."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_

from app.auth.access import TICKET_ROLES
from app.auth.models import Agent
from app.channels.models import Channel, Procedure, Site
from app.extensions import db
from app.training.labels import SCOPE_LABELS
from app.training.models import TrainingModule, TrainingRecord, TrainingRequirement, TrainingSitePolicy

EXPIRING_DAYS = 30


def status_on(expires_on: date | None, today: date) -> str:
    """valid / expiring (≤ 30 days left) / expired, on `today`."""
    if expires_on is None:
        return "valid"
    if today >= expires_on:
        return "expired"
    return "expiring" if (expires_on - today).days <= EXPIRING_DAYS else "valid"


def list_modules(active_only: bool = False) -> list[TrainingModule]:
    query = db.select(TrainingModule).order_by(TrainingModule.code)
    if active_only:
        query = query.where(TrainingModule.active.is_(True))
    return list(db.session.execute(query).scalars())


def get_module(module_id: int) -> TrainingModule | None:
    """The training module with this id; None when unknown."""
    return db.session.get(TrainingModule, module_id)


def get_requirement(requirement_id: int) -> TrainingRequirement | None:
    """The requirement with this id; None when unknown."""
    return db.session.get(TrainingRequirement, requirement_id)


def get_module_by_code(code: str) -> TrainingModule | None:
    return db.session.execute(db.select(TrainingModule).where(TrainingModule.code == code)).scalar_one_or_none()


def find_record(agent_id: int, module_id: int, trained_on: date) -> TrainingRecord | None:
    return db.session.execute(db.select(TrainingRecord).where(
        TrainingRecord.agent_id == agent_id, TrainingRecord.module_id == module_id,
        TrainingRecord.trained_on == trained_on)).scalar_one_or_none()


def records_of_module(module_id: int) -> list[TrainingRecord]:
    return list(db.session.execute(db.select(TrainingRecord).where(TrainingRecord.module_id == module_id)).scalars())


def records_of_agent(agent_id: int) -> list[TrainingRecord]:
    """Every session of the agent, newest first."""
    return list(db.session.execute(db.select(TrainingRecord).where(TrainingRecord.agent_id == agent_id)
                                   .order_by(TrainingRecord.trained_on.desc(), TrainingRecord.id.desc())).scalars())


def existing_sessions(agent_ids: list[int]) -> set[tuple[int, int, date]]:
    """(agent, module, day) of the sessions already recorded for these agents."""
    if not agent_ids:
        return set()
    rows = db.session.execute(db.select(TrainingRecord.agent_id, TrainingRecord.module_id, TrainingRecord.trained_on)
                              .where(TrainingRecord.agent_id.in_(agent_ids)))
    return {tuple(row) for row in rows}


def find_requirement(module_id, scope, procedure_id, channel_id) -> TrainingRequirement | None:
    return db.session.execute(db.select(TrainingRequirement).where(
        TrainingRequirement.module_id == module_id, TrainingRequirement.scope == scope,
        TrainingRequirement.procedure_id.is_(None) if procedure_id is None
        else TrainingRequirement.procedure_id == procedure_id,
        TrainingRequirement.channel_id.is_(None) if channel_id is None
        else TrainingRequirement.channel_id == channel_id)).scalar_one_or_none()


def list_requirements() -> list[TrainingRequirement]:
    return list(db.session.execute(db.select(TrainingRequirement).order_by(TrainingRequirement.id)).scalars())


def site_policies() -> list[tuple[Site, str]]:
    """Every active site with its policy (refuse when none is set)."""
    rows = db.session.execute(db.select(Site, TrainingSitePolicy.on_missing)
                              .outerjoin(TrainingSitePolicy, TrainingSitePolicy.site_id == Site.id)
                              .where(Site.active.is_(True)).order_by(Site.id)).all()
    return [(site, on_missing or "refuse") for site, on_missing in rows]


@dataclass
class ModuleStatus:
    """The state of one module in an agent's record: its latest session and what it means today."""

    module: TrainingModule
    latest: TrainingRecord | None
    status: str | None  # None: never trained


def livret(agent_id: int, today: date) -> list[ModuleStatus]:
    """Each active module (and any module the agent holds) with the agent's latest session and its status."""
    latest: dict[int, TrainingRecord] = {}
    for row in records_of_agent(agent_id):
        latest.setdefault(row.module_id, row)
    modules = [m for m in list_modules() if m.active or m.id in latest]
    return [ModuleStatus(m, latest.get(m.id), status_on(latest[m.id].expires_on, today) if m.id in latest else None)
            for m in modules]


def _latest_sessions(as_of: date | None = None):
    """A subquery: each agent's latest session of each module (followed by `as_of` when given)."""
    newest = db.select(TrainingRecord.agent_id, TrainingRecord.module_id,
                       func.max(TrainingRecord.trained_on).label("trained_on"))
    if as_of is not None:
        newest = newest.where(TrainingRecord.trained_on <= as_of)
    newest = newest.group_by(TrainingRecord.agent_id, TrainingRecord.module_id).subquery()
    return (db.select(TrainingRecord.agent_id, TrainingRecord.module_id, TrainingRecord.trained_on,
                      TrainingRecord.expires_on, TrainingRecord.id)
            .join(newest, and_(newest.c.agent_id == TrainingRecord.agent_id,
                               newest.c.module_id == TrainingRecord.module_id,
                               newest.c.trained_on == TrainingRecord.trained_on)).subquery())


def expiring_trainings(today: date, within_days: int, site_ids: list[int] | None = None,
                       agent_id: int | None = None, include_expired: bool = True) -> list[dict]:
    """Active agents' latest sessions expiring within `within_days` (and, by default, those expired).

    Rows: agent_id, agent name, site label, module code and title, trained_on, expires_on, status. Sessions
    followed after `today` are not seen (a report over a past period).
    """
    latest = _latest_sessions(today)
    lapse = latest.c.expires_on <= today + timedelta(days=within_days)
    if not include_expired:
        lapse = and_(lapse, latest.c.expires_on > today)
    query = (db.select(Agent.id, Agent.name, Site.label, TrainingModule.code, TrainingModule.title,
                       latest.c.trained_on, latest.c.expires_on)
             .join(latest, latest.c.agent_id == Agent.id)
             .join(TrainingModule, TrainingModule.id == latest.c.module_id)
             .outerjoin(Site, Site.id == Agent.site_id)
             .where(Agent.active.is_(True), TrainingModule.active.is_(True), latest.c.expires_on.is_not(None), lapse)
             .order_by(latest.c.expires_on, Agent.name))
    if site_ids is not None:
        query = query.where(Agent.site_id.in_(site_ids))
    if agent_id is not None:
        query = query.where(Agent.id == agent_id)
    return [{"agent_id": a, "agent": name, "site": site or "—", "module": code, "title": title,
             "trained_on": trained, "expires_on": expires, "status": status_on(expires, today)}
            for a, name, site, code, title, trained, expires in db.session.execute(query)]


def agents_in_scope(site_id: int | None = None) -> list[Agent]:
    """Active agents who log tickets, by site then name (one site when `site_id` is given)."""
    query = (db.select(Agent).where(Agent.active.is_(True), Agent.role.in_(TICKET_ROLES))
             .order_by(Agent.site_id, Agent.name))
    if site_id is not None:
        query = query.where(Agent.site_id == site_id)
    return list(db.session.execute(query).scalars())


def statuses_by_agent(agent_ids: list[int], today: date) -> dict[int, dict[str, str]]:
    """{agent id: {module code: status}} of each agent's latest sessions."""
    if not agent_ids:
        return {}
    latest = _latest_sessions()
    rows = db.session.execute(db.select(latest.c.agent_id, TrainingModule.code, latest.c.expires_on)
                              .join(TrainingModule, TrainingModule.id == latest.c.module_id)
                              .where(latest.c.agent_id.in_(agent_ids)))
    result: dict[int, dict[str, str]] = {a: {} for a in agent_ids}
    for agent_id, code, expires in rows:
        result[agent_id][code] = status_on(expires, today)
    return result


# --- For the reports domain -----------------------------------------------------------------------------------

def coverage_counts(day: date, site_ids: list[int] | None = None) -> tuple[list[tuple], list[tuple]]:
    """On `day`: ([(site_id, active agents)], [(site_id, module_id, agents with a valid session)]).

    Agents are the active ones who log tickets and have a home site.
    """
    agents = db.select(Agent.site_id, func.count(Agent.id)).where(
        Agent.active.is_(True), Agent.role.in_(TICKET_ROLES), Agent.site_id.is_not(None)).group_by(Agent.site_id)
    valid = (db.select(Agent.site_id, TrainingRecord.module_id, func.count(func.distinct(Agent.id)))
             .join(TrainingRecord, TrainingRecord.agent_id == Agent.id)
             .where(Agent.active.is_(True), Agent.role.in_(TICKET_ROLES), Agent.site_id.is_not(None),
                    TrainingRecord.trained_on <= day,
                    or_(TrainingRecord.expires_on.is_(None), TrainingRecord.expires_on > day))
             .group_by(Agent.site_id, TrainingRecord.module_id))
    if site_ids is not None:
        agents = agents.where(Agent.site_id.in_(site_ids))
        valid = valid.where(Agent.site_id.in_(site_ids))
    return [tuple(r) for r in db.session.execute(agents)], [tuple(r) for r in db.session.execute(valid)]


def module_labels() -> dict[int, tuple[str, str]]:
    """{module id: (code, title)}."""
    return {row.id: (row.code, row.title) for row in db.session.execute(
        db.select(TrainingModule.id, TrainingModule.code, TrainingModule.title))}


def required_module_ids() -> set[int]:
    return set(db.session.execute(db.select(TrainingRequirement.module_id)).scalars())


def requirement_labels(requirement: TrainingRequirement) -> str:
    """What a requirement applies to, in French."""
    if requirement.scope == "procedure":
        return f"Démarche : {db.session.get(Procedure, requirement.procedure_id).label}"
    if requirement.scope == "channel":
        return f"Canal : {db.session.get(Channel, requirement.channel_id).label}"
    return SCOPE_LABELS[requirement.scope]
