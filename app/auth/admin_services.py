"""Agent management by admins: change name, role and site; reactivate. Every change is audited.

`by` is the admin acting; `actor` (who and from where, for the audit entry) defaults to `by` with no address.
"""

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.access import ROLES_WITH_SITE
from app.auth.models import Agent
from app.auth.services import AgentError, create_agent, deactivate_agent, set_password
from app.auth.sessions import end_sessions_of
from app.channels.models import Site
from app.config import ROLES
from app.extensions import db


def _site(site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    site = db.session.get(Site, site_id)
    if site is None:
        raise AgentError("Site inconnu.")
    return site


def _check_site(role: str, site: Site | None) -> None:
    if role in ROLES_WITH_SITE and site is None:
        raise AgentError("Un agent d'accueil doit être rattaché à une mairie.")


def admin_create_agent(login: str, name: str, role: str, site_id: int | None, password: str, by, *,
                       actor: Actor | None = None) -> Agent:
    """Create an agent (audited). Raises AgentError with a message for the form."""
    site = _site(site_id)
    _check_site(role, site)
    agent = create_agent(login, role, password, name=name, site_code=site.code if site else None)
    record("agent.create", actor or Actor(by), object_type="agent", object_id=agent.id,
           detail={"login": agent.login, "role": role, "site": site.code if site else None})
    return agent


def update_agent(agent: Agent, name: str, role: str, site_id: int | None, by, *, actor: Actor | None = None) -> dict:
    """Change an agent's name, role and site (audited); a new role or site ends their open sessions.

    Returns the changes {field: [old, new]}. An admin cannot take away their own admin role.
    """
    if role not in ROLES:
        raise AgentError("Rôle inconnu.")
    if agent.id == by.id and role != "admin":
        raise AgentError("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
    site = _site(site_id)
    _check_site(role, site)
    changes = {}
    for field, old, new in (("name", agent.name, name.strip()), ("role", agent.role, role),
                            ("site", agent.site.code if agent.site else None, site.code if site else None)):
        if old != new:
            changes[field] = [old, new]
    if not changes:
        return changes
    agent.name, agent.role, agent.site = name.strip(), role, site
    if "role" in changes or "site" in changes:
        agent.session_version += 1  # what they may see changed: sign in again
        end_sessions_of(agent, "role" if "role" in changes else "site")
    # Role and site codes are no personal data; a name is: only that it changed.
    record("agent.update", actor or Actor(by), object_type="agent", object_id=agent.id,
           detail={"fields": sorted(changes)} | {f: pair for f, pair in changes.items() if f != "name"})
    db.session.flush()
    return changes


def set_agent_active(agent: Agent, active: bool, by, *, actor: Actor | None = None) -> None:
    """Deactivate (sessions end at once) or reactivate an agent (audited). An admin cannot deactivate themself."""
    if agent.id == by.id and not active:
        raise AgentError("Vous ne pouvez pas désactiver votre propre compte.")
    if active == agent.active:
        return
    if active:
        agent.active = True
        agent.failed_logins = 0
        agent.locked_until = None
    else:
        deactivate_agent(agent)
    record("agent.reactivate" if active else "agent.deactivate", actor or Actor(by), object_type="agent", object_id=agent.id)
    db.session.flush()


def reset_agent_password(agent: Agent, password: str, by, *, actor: Actor | None = None) -> None:
    """Set a new password (sessions end, account unlocked); audited without the password."""
    set_password(agent, password)
    record("agent.password_reset", actor or Actor(by), object_type="agent", object_id=agent.id)
    db.session.flush()


def set_agent_extension(agent: Agent, extension: str | None, by=None, *, actor: Actor | None = None) -> None:
    """Give a 3975 operator the phone extension the phone system names in its events (None removes it)."""
    extension = (extension or "").strip() or None
    if extension is not None and (len(extension) > 20 or not extension.replace("-", "").isalnum()):
        raise AgentError("Poste téléphonique : 20 lettres ou chiffres au plus (ex. 201).")
    if extension is not None:
        taken = db.session.execute(db.select(Agent).where(Agent.extension == extension, Agent.id != agent.id)
                                   ).scalar_one_or_none()
        if taken is not None:
            raise AgentError(f"Le poste {extension} est déjà celui de {taken.login}.")
    agent.extension = extension
    record("agent.update", actor or Actor(by), object_type="agent", object_id=agent.id, detail={"fields": ["extension"]})
    db.session.flush()
