"""Whether a ticket's agent holds the modules it requires, on the ticket's day: the verdict tickets obey.

`load_rules()` reads requirements, site policies and training records once (for one agent, or for every
agent of an import); `training_verdict(...)` is then a pure check, so an import of 100,000 lines costs
one query (the records). Payment-assisted tickets are refused whatever the site says (the agent sees card details
and must know the protection protocol); other requirements follow the site's policy: refuse, or save
and flag the ticket "agent non formé".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.training.cache import rules_reference
from app.training.labels import SCOPE_LABELS, WHAT_TO_DO
from app.training.models import DEFAULT_POLICY, TrainingRecord


@dataclass(frozen=True)
class Requirement:
    module_id: int
    scope: str
    procedure_id: int | None
    channel_id: int | None


@dataclass
class TrainingRules:
    """Everything a verdict reads, loaded once."""

    requirements: list[Requirement]
    modules: dict[int, tuple[str, str]]  # id -> (code, title)
    policies: dict[int, str]  # site id -> refuse / flag
    records: dict[int, list[tuple[int, date, date | None]]] = field(default_factory=dict)  # agent -> sessions


@dataclass
class Verdict:
    """What the rule says of one ticket: refusal messages, modules missing, whether to flag it."""

    refusals: list[tuple[str, str]] = field(default_factory=list)  # (scope of the requirement, French message)
    missing: list[str] = field(default_factory=list)  # module codes lacking, refused or flagged
    flagged: bool = False


def load_rules(agent_ids: list[int] | None = None) -> TrainingRules:
    """Requirements, policies and the training records of `agent_ids` (every agent when None).

    Requirements, modules and policies come from the per-process snapshot (`app.training.cache`);
    the records are read here, one query.
    """
    reference = rules_reference()  # requirements, modules, policies: the per-process snapshot
    requirements = [Requirement(*row) for row in reference.requirements]
    requirements.sort(key=lambda r: r.scope != "payment")  # a payment requirement refuses: checked first
    modules, policies = dict(reference.modules), dict(reference.policies)
    records: dict[int, list] = defaultdict(list)
    if requirements:
        query = db.select(TrainingRecord.agent_id, TrainingRecord.module_id, TrainingRecord.trained_on,
                          TrainingRecord.expires_on)
        if agent_ids is not None:
            query = query.where(TrainingRecord.agent_id.in_(agent_ids))
        for agent_id, module_id, trained_on, expires_on in db.session.execute(query):
            records[agent_id].append((module_id, trained_on, expires_on))
    return TrainingRules(requirements, modules, policies, dict(records))


def is_valid_on(trained_on: date, expires_on: date | None, day: date) -> bool:
    """A session counts from the day it was followed until the day before its expiry."""
    return trained_on <= day and (expires_on is None or day < expires_on)


def _applies(requirement: Requirement, channel_id, procedure, payment_assisted: bool) -> bool:
    if requirement.scope == "payment":
        return bool(payment_assisted)
    if requirement.scope == "state":
        return procedure is not None and procedure.owner == "state"
    if requirement.scope == "procedure":
        return procedure is not None and procedure.id == requirement.procedure_id
    return channel_id is not None and channel_id == requirement.channel_id


def _lapsed_on(sessions, module_id: int, day: date) -> date | None:
    """The expiry of the agent's last session of this module before `day`, if it lapsed."""
    ends = [expires for module, trained, expires in sessions if module == module_id and trained <= day and expires]
    return max(ends) if ends else None


def _message(requirement: Requirement, title: str, code: str, lapsed: date | None) -> str:
    what = "Paiement accompagné" if requirement.scope == "payment" else SCOPE_LABELS[requirement.scope]
    state = f"expirée le {lapsed:%d/%m/%Y}" if lapsed else "absente de son livret"
    return (f"{what} : l'agent n'a pas de formation valide « {title} » ({code}) à la date du ticket "
            f"(formation {state}) — {WHAT_TO_DO}.")


def training_verdict(rules: TrainingRules, *, agent_id: int | None, site_id: int | None, channel_id: int | None,
                     procedure, payment_assisted: bool, day: date) -> Verdict:
    """Check the ticket's agent on the ticket's day against every requirement that applies to it.

    `procedure` is a Procedure (or anything with `id` and `owner`) or None. No agent: nothing to check.
    """
    verdict = Verdict()
    if agent_id is None or not rules.requirements:
        return verdict
    sessions = rules.records.get(agent_id, [])
    policy = rules.policies.get(site_id, DEFAULT_POLICY)
    seen = set()
    for requirement in rules.requirements:
        if requirement.module_id in seen or not _applies(requirement, channel_id, procedure, payment_assisted):
            continue
        if any(module == requirement.module_id and is_valid_on(trained, expires, day)
               for module, trained, expires in sessions):
            continue
        seen.add(requirement.module_id)
        code, title = rules.modules[requirement.module_id]
        verdict.missing.append(code)
        if requirement.scope == "payment" or policy == "refuse":
            lapsed = _lapsed_on(sessions, requirement.module_id, day)
            verdict.refusals.append((requirement.scope, _message(requirement, title, code, lapsed)))
        else:
            verdict.flagged = True
    return verdict
