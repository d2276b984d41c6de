"""The permission matrix: for every route, the answer each role (and anonymous) must get.

Keyed by endpoint (every URL rule of an endpoint shares its entry). `get` gives the expected GET
status per role; a POST-only route has `get=None` and lists the roles allowed to POST. Roles refused
a GET (403) must also be refused a POST with 403 (checked with an empty form). Anonymous visitors are
sent to sign-in (302) everywhere but public pages. Sample URL values come from the matrix fixture
(`SAMPLES` names which sample each argument takes; `Route.values` overrides per route).

Adding a route to the application without an entry here fails `test_permission_matrix.py`.
"""

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
SIGNED_IN = ("counter_agent", "operator_3975", "facil_familles", "manager", "admin")
ROLES = (ANONYMOUS, *SIGNED_IN)
TICKET_ROLES = ("counter_agent", "operator_3975", "facil_familles")
RESIDENT_EDITORS = TICKET_ROLES
RESIDENT_READERS = (*TICKET_ROLES, "manager", "admin")
LIST_ROLES = (*TICKET_ROLES, "manager")
REPORT_READERS = ("manager", "admin")


def allow(*roles: str, status: int = 200, **per_role: int) -> dict[str, int]:
    """`roles` get `status`, `per_role` their own; other signed-in roles 403; anonymous 302 (sign-in)."""
    expected = {role: 403 for role in SIGNED_IN} | {ANONYMOUS: 302}
    expected |= {role: status for role in roles}
    expected |= per_role
    return expected


@dataclass(frozen=True)
class Route:
    """Expected answers for one endpoint."""

    get: dict[str, int] | None
    post: tuple[str, ...] = ()  # POST-only routes: roles allowed to POST (the others get 403)
    values: dict[str, str] = field(default_factory=dict)  # URL argument -> sample name
    # Roles whose refused POST is not tried (e.g. a public form with its own answer).
    skip_post: tuple[str, ...] = ()


def post_only(*roles: str, **values: str) -> Route:
    return Route(get=None, post=roles, values=values)


ADMIN_ONLY = allow("admin")

# Sample names -> which record the fixture made (see `matrix_samples` in test_permission_matrix.py).
SAMPLES = {
    "resident_id": "resident",
    "other_id": "other_resident",
    "ticket_id": "ticket_mairie_02",
    "agent_id": "target_agent",
    "channel_id": "channel",
    "site_id": "site",
    "device_id": "device",
    "procedure_id": "procedure",
    "row_id": "channel",
    "kind": "kind_channels",
    "action": "action_deactivate",
    "run_id": "report_run",
    "import_id": "import_run",
    "export_id": "ticket_export",
    "result_id": "report_result",
    "fmt": "format_csv",
    "module_id": "training_module",
    "requirement_id": "training_requirement",
    "call_id": "call",
    "token_id": "integration_token",
    "token": "bad_token",
}

EXPECTED: dict[str, Route] = {
    # Public and every signed-in agent.
    # Public; 503 in the tests: no scheduler runs, the facts were never refreshed (tests/test_health.py).
    "main.health": Route(get={role: 503 for role in ROLES}),
    "main.health_live": Route(get={role: 200 for role in ROLES}),
    "main.favicon": Route(get={role: 200 for role in ROLES}),
    "main.home": Route(get=allow(*SIGNED_IN)),
    "auth.login": Route(get={ANONYMOUS: 200} | {role: 302 for role in SIGNED_IN}, skip_post=ROLES),
    "auth.logout": post_only(*SIGNED_IN),
    # Admin: agents, audit, privacy.
    "agents_admin.index": Route(get=ADMIN_ONLY),
    "agents_admin.create": Route(get=ADMIN_ONLY),
    "agents_admin.edit": Route(get=ADMIN_ONLY),
    "agents_admin.reset_password": post_only("admin"),
    "agents_admin.toggle_active": post_only("admin"),
    "audit.index": Route(get=ADMIN_ONLY),
    "privacy.index": Route(get=ADMIN_ONLY),
    "privacy.resident": Route(get=ADMIN_ONLY),
    "privacy.resident_json": Route(get=ADMIN_ONLY),
    "privacy.anonymise": Route(get=ADMIN_ONLY),
    "privacy.settings": Route(get=ADMIN_ONLY),
    "privacy.retention": Route(get=ADMIN_ONLY),
    # Admin: reference data.
    "channels.index": Route(get=ADMIN_ONLY),
    "channels.list_channels": Route(get=ADMIN_ONLY),
    "channels.list_sites": Route(get=ADMIN_ONLY),
    "channels.list_devices": Route(get=ADMIN_ONLY),
    "channels.list_procedures": Route(get=ADMIN_ONLY),
    "channels.edit_channel": Route(get=ADMIN_ONLY),
    "channels.edit_site": Route(get=ADMIN_ONLY),
    "channels.edit_device": Route(get=ADMIN_ONLY),
    "channels.edit_procedure": Route(get=ADMIN_ONLY),
    "channels.import_procedures": Route(get=ADMIN_ONLY),
    "channels.export_procedures": Route(get=ADMIN_ONLY),
    "channels.set_active": post_only("admin"),
    # Residents: everyone reads (managers and admins read only), agents who log tickets change them.
    "contacts.index": Route(get=allow(*RESIDENT_READERS)),
    "contacts.search": post_only(*RESIDENT_READERS),
    "contacts.search_live": post_only(*RESIDENT_READERS),
    "contacts.show": Route(get=allow(*RESIDENT_READERS)),
    "contacts.new": Route(get=allow(*RESIDENT_EDITORS)),
    "contacts.quick": Route(get=allow(*RESIDENT_EDITORS)),
    "contacts.edit": Route(get=allow(*RESIDENT_EDITORS)),
    "contacts.merge_pick": Route(get=allow(*RESIDENT_EDITORS, status=302)),  # no candidate: back to the page
    "contacts.merge": Route(get=allow(*RESIDENT_EDITORS)),
    # Tickets. The sample ticket is a counter ticket of mairie-02 for a known resident: its counter agent
    # changes it; managers read it; 3975 and Facil'Familles get 403 reaching it by its id alone (they read
    # another channel's ticket only from its resident's page: tests/security/test_record_access.py).
    "tickets.new": Route(get=allow(*TICKET_ROLES)),
    "tickets.show": Route(get=allow("counter_agent", "manager")),
    "tickets.edit": Route(get=allow("counter_agent")),
    "tickets.transfer": Route(get=allow("counter_agent")),
    "tickets.status": post_only("counter_agent"),
    "tickets.my_tickets": Route(get=allow(*TICKET_ROLES, manager=302)),
    "tickets.site_queue": Route(get=allow(*TICKET_ROLES)),
    "tickets.search": Route(get=allow(*LIST_ROLES)),
    "tickets.export": Route(get=allow(*LIST_ROLES)),
    # The list's XLSX: asked for by those who read lists; an export is read by its own agent only (the
    # sample belongs to another agent: 404).
    "tickets.export_xlsx": post_only(*LIST_ROLES),
    "tickets.export_run": Route(get=allow(*LIST_ROLES, status=404)),
    "tickets.export_run_status": Route(get=allow(*LIST_ROLES, status=404)),
    "tickets.export_download": Route(get=allow(*LIST_ROLES, status=404)),
    "tickets.resident_list": Route(get=allow(*LIST_ROLES)),
    "tickets.import_upload": Route(get=ADMIN_ONLY),
    "tickets.import_run": Route(get=ADMIN_ONLY),
    "tickets.import_run_status": Route(get=ADMIN_ONLY),
    # Dashboards and report runs: managers and admins.
    "reports.dashboard": Route(get=allow(*REPORT_READERS)),
    "reports.run": Route(get=allow(*REPORT_READERS)),
    "reports.run_status": Route(get=allow(*REPORT_READERS)),
    "reports.chart": Route(get=allow(*REPORT_READERS)),
    "reports.export": Route(get=allow(*REPORT_READERS)),
    # Training: everyone reads their own livret; managers and admins read everyone's; admins change.
    "training.my_record": Route(get=allow(*SIGNED_IN)),
    "training.agents": Route(get=allow(*REPORT_READERS)),
    "training.agent": Route(get=allow(*REPORT_READERS)),
    "training.modules": Route(get=ADMIN_ONLY),
    "training.edit_module": Route(get=ADMIN_ONLY),
    "training.requirements": Route(get=ADMIN_ONLY),
    "training.delete_requirement": post_only("admin"),
    "training.sites": Route(get=ADMIN_ONLY),
    "training.upload": Route(get=ADMIN_ONLY),
    # Telephony: the caller log for the 3975 and managers; "rappelé" and the caller panel for operators.
    "telephony.calls": Route(get=allow("operator_3975", "manager")),
    "telephony.called_back": post_only("operator_3975"),
    "telephony.panel": Route(get=allow("operator_3975")),
    "telephony.panel_call": Route(get=allow("operator_3975", operator_3975=404)),  # not the operator's call
    "telephony.new_caller": Route(get=allow("operator_3975", operator_3975=404)),  # not the operator's call
    "integrations_admin.index": Route(get=ADMIN_ONLY),
    "integrations_admin.revoke": post_only("admin"),
    "integrations_admin.reach": Route(get=ADMIN_ONLY),
    # The API: public documentation; every other route wants a bearer token (401 JSON without one,
    # signed-in or not). Scopes per route: API_SCOPES below, checked by test_api_scopes.py.
    "api-docs.openapi_json": Route(get={role: 200 for role in ROLES}),
    "api_pages.docs": Route(get={role: 200 for role in ROLES}),
    "api.residents": Route(get={role: 401 for role in ROLES}),
    "api.ticket": Route(get={role: 401 for role in ROLES}),
    "api.tickets": Route(get={role: 401 for role in ROLES}),
    "api.calls": Route(get={role: 401 for role in ROLES}),
    "api.report_run": Route(get={role: 401 for role in ROLES}),
    "api.create_ticket_view": Route(get=None, skip_post=ROLES),
    "api.request_report_run": Route(get=None, skip_post=ROLES),
    "cti.event": Route(get=None, skip_post=ROLES),
}

# The scope each token-authenticated route requires (`cti.event` takes its token in the URL).
API_SCOPES = {
    "cti.event": "cti",
    "api.calls": "calls:read",
    "api.residents": "residents:read",
    "api.create_ticket_view": "tickets:write",
    "api.ticket": ("tickets:read", "tickets:write"),  # writing includes reading
    "api.tickets": ("tickets:read", "tickets:write"),
    "api.request_report_run": "reports:run",
    "api.report_run": "reports:run",
}
