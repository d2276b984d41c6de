"""Who may see what: the access rules of `docs/access.md`, in one place.

Views call these before showing or changing a record; list queries add
`ticket_visibility_clause`. Keep this file and `docs/access.md` in step.
"""

from sqlalchemy import false, select, true

from app.channels.models import Channel

# Role groups: every tuple of role codes the application uses is named here, and only here.
TICKET_ROLES = ("counter_agent", "operator_3975", "facil_familles")  # roles that log tickets
TICKET_LIST_ROLES = TICKET_ROLES + ("manager",)  # ticket lists, search and export
MANAGERS = ("manager", "admin")
RESIDENT_EDITORS = TICKET_ROLES
RESIDENT_READERS = RESIDENT_EDITORS + MANAGERS
FAMILY_NUMBER_READERS = RESIDENT_EDITORS + ("admin",)
REPORT_READERS = MANAGERS  # dashboards, report runs, exports
TRAINING_SUPERVISORS = MANAGERS  # every agent's livret, the team's expiring trainings
CALL_LOG_ROLES = ("operator_3975", "manager")
PAYMENT_ROLES = ("counter_agent", "facil_familles")  # whose procedures may include an assisted payment (never by phone)
ROLES_WITH_SITE = ("counter_agent",)  # an agent of these roles needs a home site

# The channel each ticket-logging role logs on; those of CHANNEL_ROLES see and change tickets by channel,
# counter agents by site.
ROLE_CHANNEL = {"counter_agent": "counter", "operator_3975": "phone_3975", "facil_familles": "facil_familles"}
CHANNEL_ROLES = ("operator_3975", "facil_familles")


def _channel_code(ticket) -> str | None:
    return ticket.channel.code if ticket.channel is not None else None


def can_view_residents(agent) -> bool:
    """Read resident records (search, 360° view)."""
    return agent.role in RESIDENT_READERS


def can_edit_residents(agent) -> bool:
    """Create, change and merge residents."""
    return agent.role in RESIDENT_EDITORS


def can_see_family_number(agent) -> bool:
    """The Facil'Familles family number is shown to Facil'Familles staff, the agents who log tickets, and admins."""
    return agent.role in FAMILY_NUMBER_READERS


def can_edit_ticket(agent, ticket) -> bool:
    """Change a ticket: counter agents on their own site; 3975 and Facil'Familles staff on their channel."""
    if agent.role == "counter_agent":
        return agent.site_id is not None and ticket.site_id == agent.site_id
    if agent.role in CHANNEL_ROLES:
        return _channel_code(ticket) == ROLE_CHANNEL[agent.role]
    return False


def can_view_ticket(agent, ticket, looked_up: frozenset[int] = frozenset()) -> bool:
    """Open a ticket: what one may edit, plus read-only cases.

    Managers read every ticket. 3975 and Facil'Familles staff read another channel's ticket only of a
    resident whose page they opened in this session (`looked_up`, see `app.auth.sessions`): the read
    is tied to a resident they looked up, never reached by its id alone.
    """
    if agent.role == "manager" or can_edit_ticket(agent, ticket):
        return True
    if agent.role in CHANNEL_ROLES:
        return ticket.resident_id is not None and ticket.resident_id in looked_up
    return False


def reads_another_channel(agent, ticket) -> bool:
    """Whether this is the read-only case of a 3975 or Facil'Familles agent reading another channel's ticket."""
    return agent.role in CHANNEL_ROLES and _channel_code(ticket) != ROLE_CHANNEL[agent.role]


def can_see_ticket_notes(agent, ticket, looked_up: frozenset[int] = frozenset()) -> bool:
    """3975 and Facil'Familles staff do not see other channels' notes; everyone else who may view a ticket does."""
    if reads_another_channel(agent, ticket):
        return False
    return can_view_ticket(agent, ticket, looked_up)


def can_create_ticket(agent, channel_code: str, site_id: int | None) -> bool:
    """Log a new ticket on this channel and site."""
    if agent.role == "counter_agent":
        return agent.site_id is not None and site_id == agent.site_id
    if agent.role in CHANNEL_ROLES:
        return channel_code == ROLE_CHANNEL[agent.role]
    return False


def ticket_visibility_clause(agent, ticket_model):
    """A WHERE clause restricting ticket lists to what `agent` may open from a list."""
    if agent.role == "manager":
        return true()
    if agent.role == "counter_agent":
        return ticket_model.site_id == agent.site_id if agent.site_id else false()
    if agent.role in CHANNEL_ROLES:
        channel_ids = select(Channel.id).where(Channel.code == ROLE_CHANNEL[agent.role]).scalar_subquery()
        return ticket_model.channel_id == channel_ids
    return false()


def can_view_reports(agent) -> bool:
    """Dashboards, report runs and exports: managers and admins."""
    return agent.role in REPORT_READERS


def can_manage_reference(agent) -> bool:
    """Channels, sites, devices and the procedure catalogue: admins."""
    return agent.role == "admin"


def can_manage_agents(agent) -> bool:
    """Create agents, change their role or site, (de)activate them, reset passwords: admins."""
    return agent.role == "admin"


def can_read_audit(agent) -> bool:
    """Search the audit trail (nobody changes or deletes an entry): admins."""
    return agent.role == "admin"


def can_manage_privacy(agent) -> bool:
    """Right-of-access exports, anonymisation, retention settings and runs: admins."""
    return agent.role == "admin"


def can_view_training_of(agent, other) -> bool:
    """An agent's training record (livret): the agent themself, managers and admins."""
    return agent.id == other.id or agent.role in TRAINING_SUPERVISORS


def can_manage_training(agent) -> bool:
    """Record sessions, import them, change modules, requirements and sites' policies: admins."""
    return agent.role == "admin"
