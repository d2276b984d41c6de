"""The import rules of docs/architecture.md, read from the code's imports (an AST walk over app/).

- no import cycle between modules (imports at module level: those that run when a module loads);
- no domain imports `app.reports` (reports reads the domains, never the reverse);
- no domain builds, inserts, updates or deletes rows of another domain's models, nor assigns their fields;
- no import inside a function, except those named below (each dodges something real);
- no tuple of role codes outside `app/auth/access.py` (role groups are named there, once);
- no SQL in a views module (`views.py`, `*_views.py`, `admin.py`, `blueprint.py`): queries and services run it;
- nothing in `app/audit/` reads the request or the signed-in agent: it is told who and from where (an
  `Actor`, built in a request by `app/auth/current.py: request_actor`).

Every exception is named, with its reason, in docs/architecture.md ("Exceptions to the import rules").
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
DOC = ROOT / "docs" / "architecture.md"

# The packages that own tables. `demo` (a seeding tool) and `main` (the home page) are not domains.
DOMAINS = {"api", "audit", "auth", "channels", "contacts", "privacy", "reports", "telephony", "tickets", "training"}

# Modules outside reports that may import it: the REST API is a front over every domain, like the views.
REPORTS_READERS = {"app.api.views"}

# Role codes (app/config.py ROLES); a tuple of them is a role group, named in app/auth/access.py only.
# The platform (shared mechanisms, one package per concern) imports no domain; what still does, and why.
PLATFORM = ("app.jobs", "app.files", "app.web", "app.cards", "app.config", "app.timeutil", "app.digits",
            "app.collation", "app.types", "app.extensions")
PLATFORM_EXCEPTIONS = {"app.web.errors"}  # a refused access (403) is audited: audit and auth
ROLE_CODES = {"counter_agent", "operator_3975", "facil_familles", "manager", "admin"}
ROLE_GROUP_HOMES = {"app.auth.access", "app.config"}  # the groups; the list of every role, with its labels

# What a views module (views.py, *_views.py, admin.py, blueprint.py) never calls: the SQL is in the domain's
# queries and services; the views parse, call, commit and respond.
SQL_IN_VIEWS = {"select", "execute", "scalars", "scalar", "query", "get_or_404", "first_or_404", "one_or_404"}
VIEWS_WITH_SQL: set[str] = set()  # module:function allowed to (none today)

# module:function holding an import on purpose.
FUNCTION_IMPORTS = {
    "app:create_app",  # the factory: importing the views at module level would load the whole app with `app.extensions`
    "app:_register_blueprints",  # the same
    "app.jobs.queue:perform",  # a job builds the app (app -> views -> services -> jobs: a cycle at module level)
    "app.reports.cli:_output",  # pandas only for `--format csv`: every `flask` command loads this module
    "app.jobs.worker:run_worker",  # pandas preloaded once in the parent, shared by the forked work horses
}

# What the audit trail never reads itself: the signed-in agent (flask_login) and the request.
REQUEST_NAMES = {"request", "has_request_context"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse_tree(root: Path) -> dict[str, ast.Module]:
    """Every module under `root` (a package directory), by dotted name."""
    return {module_name(path, root): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(root.rglob("*.py"))}


def _targets(node, module: str, modules) -> list[str]:
    """The modules of the package that an import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if not modules_is_package(module, modules):
            package = package[:-1]
        package = package[:len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        if candidate in modules:
            found.append(candidate)
        elif base in modules:
            found.append(base)
    return found


def modules_is_package(module: str, modules) -> bool:
    return any(other.startswith(module + ".") for other in modules)


def _module_level(tree: ast.Module):
    """Import statements that run when the module loads (not those inside functions or classes' methods)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)


def import_graph(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    graph = {}
    for module, tree in trees.items():
        graph[module] = {target for node in _module_level(tree) for target in _targets(node, module, trees)
                         if target != module}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, cycles, counter = {}, {}, set(), [], [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else None


def reports_imports(trees) -> list[str]:
    """'module -> app.reports...' for every domain other than reports that imports it."""
    found = []
    for module, tree in trees.items():
        if domain_of(module) in (None, "reports") or module in REPORTS_READERS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, module, trees):
                    if target == "app.reports" or target.startswith("app.reports."):
                        found.append(f"{module} -> {target}")
    return found


WRITE_CALLS = {"insert", "update", "delete"}
SQL_CALLS = {"text", "exec_driver_sql"}
SQL_WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)")
BINDINGS = (ast.Assign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.NamedExpr,
            ast.arg)


def owned_tables(trees) -> dict[str, str]:
    """{table name: domain} read from the models' `__tablename__ = "..."`."""
    tables = {}
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and domain_of(module)
                    and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in node.targets)
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                tables[node.value.value] = domain_of(module)
    return tables


def _model_imports(tree) -> dict[str, str]:
    """{local name: domain} of the classes imported from a domain's models modules."""
    models = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            other = domain_of(node.module)
            if other and ".models" in node.module + ".":
                for alias in node.names:
                    models[alias.asname or alias.name] = other
    return models


def _scopes(tree: ast.Module):
    """The module's own statements, then each function (names are bound per scope)."""
    yield [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield [node.args, *node.body]


def _walk(statements):
    for statement in statements:
        yield from ast.walk(statement)


def _binding(node):
    """(target names, value) of a statement that binds names."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
        targets, value = [node.target], node.value
    elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        targets, value = [node.target], node.iter
    elif isinstance(node, ast.arg):  # a parameter annotated with a model: `resident: Resident`
        targets, value = [ast.Name(id=node.arg)], node.annotation
    elif isinstance(node, ast.withitem):
        targets, value = [node.optional_vars] if node.optional_vars else [], node.context_expr
    else:
        return [], None
    return [name for target in targets for name in _target_names(target)], value


def _target_names(target) -> list[str]:
    """The names an assignment target binds (`x`, `x, y`, `*rest`); `x.a = ` and `x[k] = ` bind none."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _rows_of(statements, models: dict[str, str]) -> dict[str, str]:
    """{name: domain} of the names bound to rows (or the table) of a model: `x = db.session.get(Ticket, i)`,
    `for x in tickets`, `table = Ticket.__table__`. A name takes the domain of the first model (or name
    already known) its value mentions, so `db.select(Resident).join(Ticket)` gives residents."""
    known = dict(models)
    bindings = [_binding(node) for node in _walk(statements) if isinstance(node, BINDINGS)]
    changed = True
    while changed:
        changed = False
        for names, value in bindings:
            if value is None:
                continue
            mentioned = sorted((n.lineno, n.col_offset, n.id) for n in ast.walk(value)
                               if isinstance(n, ast.Name) and n.id in known)
            if not mentioned:
                continue
            domain = known[mentioned[0][2]]
            for name in names:
                if name not in known and name not in models:
                    known[name] = domain
                    changed = True
    return {name: domain for name, domain in known.items() if name not in models}


def _base_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _sql_text(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


def _written(node: ast.Call, names: set[str]) -> str | None:
    """The model or row in `names` that a write call's first argument names (`Model`, `Model.__table__`)."""
    arg = node.args[0] if node.args else None
    if isinstance(arg, ast.Attribute) and arg.attr == "__table__":
        arg = arg.value
    return arg.id if isinstance(arg, ast.Name) and arg.id in names else None


def _writes_in(statements, own: str, models: dict[str, str], rows: dict[str, str], tables: dict[str, str]):
    """(domain.name, line) of each write of another domain's rows in these statements."""
    foreign = {name for name, domain in models.items() if domain != own}
    foreign_rows = {name for name, domain in rows.items() if domain != own}
    owner = models | rows
    for node in _walk(statements):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in foreign:  # Model(...): a new row
                yield f"{owner[name]}.{name}", node.lineno
            elif name in WRITE_CALLS and _written(node, foreign | foreign_rows):  # update(table), session.delete(row)
                target = _written(node, foreign | foreign_rows)
                yield f"{owner[target]}.{target}", node.lineno
            elif name in ("setattr", "delattr") and node.args and _base_name(node.args[0]) in foreign_rows:
                yield f"{owner[_base_name(node.args[0])]}.{_base_name(node.args[0])}", node.lineno
            elif name in SQL_CALLS and node.args:  # text("UPDATE residents ..."), exec_driver_sql(...)
                for table in SQL_WRITE.findall(_sql_text(node.args[0])):
                    if tables.get(table, own) != own:
                        yield f"{tables[table]}.{table}", node.lineno
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):  # row.field = value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for part in (part for target in targets for part in ast.walk(target)):
                if isinstance(part, ast.Attribute) and _base_name(part) in foreign_rows:
                    yield f"{owner[_base_name(part)]}.{_base_name(part)}", node.lineno


def foreign_writes(trees) -> list[str]:
    """'module writes domain.name (line n)' where a domain module builds a row of another domain's model,
    inserts, updates or deletes its rows (ORM, Core or SQL text), or assigns a field of a row it loaded
    (or received as a parameter annotated with the model)."""
    tables = owned_tables(trees)
    found = set()
    for module, tree in trees.items():
        own = domain_of(module)
        if own is None:
            continue
        models = _model_imports(tree)
        scopes = list(_scopes(tree))
        module_rows = _rows_of(scopes[0], models)  # names bound at module level are seen in its functions
        for statements in scopes:
            rows = module_rows | _rows_of(statements, models | module_rows)
            found |= {f"{module} writes {what} (line {line})"
                      for what, line in _writes_in(statements, own, models, rows, tables)}
    return sorted(found)


def function_imports(trees) -> list[str]:
    """'module:function' for every import inside a function that is not named in FUNCTION_IMPORTS."""
    found = []
    for module, tree in trees.items():
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and f"{module}:{fn.name}" not in FUNCTION_IMPORTS:
                        found.append(f"{module}:{fn.name} (line {node.lineno})")
    return found


def role_groups(trees) -> list[str]:
    """'module line n' for every tuple, list or set of role codes outside app/auth/access.py."""
    found = []
    for module, tree in trees.items():
        if module in ROLE_GROUP_HOMES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts and all(
                    isinstance(e, ast.Constant) and e.value in ROLE_CODES for e in node.elts):
                found.append(f"{module} line {node.lineno}")
    return found


def is_views_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views") or last in ("admin", "blueprint")


def sql_in_views(trees) -> list[str]:
    """'module line n: call' for each query a views module runs itself (`db.select`, `session.execute`,
    `db.session.get`, `Model.query`, `db.get_or_404`...)."""
    found = []
    for module, tree in trees.items():
        if not is_views_module(module):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr == "query" and isinstance(node.value, ast.Name)
                    and node.value.id[:1].isupper()):  # Model.query (Flask-SQLAlchemy's legacy query)
                found.append(f"{module} line {node.lineno}: {node.value.id}.query")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            session_get = (name == "get" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
                           and func.value.attr == "session" and _base_name(func.value) == "db")
            if name in SQL_IN_VIEWS or session_get:
                found.append(f"{module} line {node.lineno}: {name}")
    return found


def audit_request_reads(trees) -> list[str]:
    """'module reads name (line n)' for every module of `app/audit/` importing flask_login, or the request
    from flask (`from flask import request`, `flask.request`)."""
    found = []
    for module, tree in trees.items():
        if domain_of(module) != "audit":
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name.split(".")[0] == "flask_login"]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] == "flask_login":
                    names = [node.module]
                elif node.module == "flask":
                    names = [f"flask.{alias.name}" for alias in node.names if alias.name in REQUEST_NAMES]
            elif (isinstance(node, ast.Attribute) and node.attr in REQUEST_NAMES
                  and isinstance(node.value, ast.Name) and node.value.id == "flask"):
                names = [f"flask.{node.attr}"]
            found += [f"{module} reads {name} (line {node.lineno})" for name in names]
    return found


@pytest.fixture(scope="module")
def trees():
    return parse_tree(APP)


def test_no_import_cycle_between_modules(trees):
    assert find_cycles(import_graph(trees)) == []


def test_no_domain_imports_reports(trees):
    assert reports_imports(trees) == []


def test_no_domain_writes_another_domains_models(trees):
    assert foreign_writes(trees) == []


def test_no_import_inside_a_function_but_the_named_ones(trees):
    assert function_imports(trees) == []


def test_no_sql_in_views(trees):
    assert sql_in_views(trees) == []


def test_role_groups_are_named_only_in_access(trees):
    assert role_groups(trees) == []


def test_the_audit_trail_reads_neither_the_request_nor_the_signed_in_agent(trees):
    assert audit_request_reads(trees) == []


def test_every_exception_is_named_in_the_architecture_doc():
    doc = DOC.read_text(encoding="utf-8")
    for entry in sorted(FUNCTION_IMPORTS | REPORTS_READERS):
        module, _, function = entry.partition(":")
        assert f"`{module.replace('.', '/')}" in doc or f"`{module}" in doc, entry
        if function:
            assert function in doc, entry


# The checks themselves: each reports what it exists to catch.

def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, ast.Module]:
    root = tmp_path / "app"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return parse_tree(root)


def test_a_new_cycle_between_two_modules_is_reported(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "",
                                "tickets/services.py": "from app.tickets.history import record_event\n",
                                "tickets/history.py": "from app.tickets import services\n",
                                "tickets/labels.py": "X = 1\n"})
    assert find_cycles(import_graph(trees)) == [["app.tickets.history", "app.tickets.services"]]


def test_a_cycle_through_an_import_inside_a_function_is_not_one(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "a.py": "import app.b\n",
                                "b.py": "def f():\n    import app.a\n"})
    assert find_cycles(import_graph(trees)) == []
    assert function_imports(trees) == ["app.b:f (line 2)"]


@pytest.mark.parametrize("statement", [
    "from app.reports.queries import reference_names\n",
    "from app.reports import facts\n",
    "import app.reports.tasks\n",
    "from ..reports.models import ReportRun\n",
])
def test_a_domain_importing_reports_is_reported(tmp_path, statement):
    trees = _package(tmp_path, {"__init__.py": "", "reports/__init__.py": "", "reports/queries.py": "",
                                "reports/facts.py": "", "reports/tasks.py": "", "reports/models.py": "",
                                "training/__init__.py": "", "training/services.py": statement})
    assert [line.split(" -> ")[0] for line in reports_imports(trees)] == ["app.training.services"]


TICKETS_MODELS = ("class Ticket(db.Model):\n    __tablename__ = 'tickets'\n"
                  "class TicketEvent(db.Model):\n    __tablename__ = 'ticket_events'\n")


@pytest.mark.parametrize("code", [
    "db.session.add(Ticket(resident_id=1))",
    "db.session.execute(db.update(Ticket).values(resident_id=2))",
    "db.session.execute(insert(TicketEvent), rows)",
    "db.session.execute(delete(Ticket))",
    "db.session.execute(update(Ticket.__table__).values(notes=None))",
    "table = Ticket.__table__\n    db.session.execute(update(table).values(notes=None))",
    "db.session.execute(text('UPDATE tickets SET notes = NULL WHERE id = :i'), {'i': 1})",
    "ticket = db.session.get(Ticket, 1)\n    ticket.notes = None",
    "for event in db.session.execute(db.select(TicketEvent)).scalars():\n        event.changes = {}",
    "tickets = list(db.session.execute(db.select(Ticket)).scalars())\n    for t in tickets:\n"
    "        setattr(t, 'notes', None)",
    "ticket = db.session.get(Ticket, 1)\n    db.session.delete(ticket)",
])
def test_a_domain_writing_another_domains_model_is_reported(tmp_path, code):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "", "tickets/models.py": TICKETS_MODELS,
                                "contacts/__init__.py": "",
                                "contacts/merge.py": "from app.tickets.models import Ticket, TicketEvent\n"
                                                     f"def merge():\n    {code}\n"})
    assert len(foreign_writes(trees)) == 1


def test_a_field_of_a_row_received_as_a_parameter_is_reported(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "contacts/__init__.py": "", "contacts/models.py": "",
                                "privacy/__init__.py": "",
                                "privacy/services.py": "from app.contacts.models import Resident\n"
                                                       "def erase(resident: Resident):\n"
                                                       "    resident.email = None\n"})
    assert foreign_writes(trees) == ["app.privacy.services writes contacts.resident (line 3)"]


@pytest.mark.parametrize("code", [
    "return db.select(Ticket).where(Ticket.id == 1)",
    "rows = db.session.execute(db.select(Resident).join(Ticket)).scalars()\n    for r in rows:\n"
    "        r.last_contact_at = None",  # its own rows, found through the tickets
    "form = Form()\n    form.ticket_id.choices = [t.id for t in db.session.execute(db.select(Ticket)).scalars()]",
    "db.session.execute(text('UPDATE residents SET version = version'))",
])
def test_reading_another_domains_model_is_allowed(tmp_path, code):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "", "tickets/models.py": TICKETS_MODELS,
                                "contacts/__init__.py": "",
                                "contacts/models.py": "class Resident(db.Model):\n    __tablename__ = 'residents'\n",
                                "contacts/queries.py": "from app.contacts.models import Resident\n"
                                                       "from app.tickets.models import Ticket\n"
                                                       f"def q():\n    {code}\n"})
    assert foreign_writes(trees) == []


def test_a_role_group_outside_access_is_reported(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "reports/__init__.py": "",
                                "reports/views.py": "MANAGERS = ('manager', 'admin')\n"
                                                    "@role_required('admin')\ndef f():\n    pass\n"})
    assert role_groups(trees) == ["app.reports.views line 1"]


@pytest.mark.parametrize("code", [
    "db.session.get(Ticket, 1)",
    "db.session.execute(db.select(Ticket))",
    "db.get_or_404(Ticket, 1)",
    "Ticket.query.filter_by(id=1).first()",
])
def test_sql_in_a_views_module_is_reported(tmp_path, code):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "",
                                "tickets/list_views.py": f"def page():\n    {code}\n",
                                "tickets/queries.py": f"def get():\n    {code}\n"})
    assert {line.split(" line ")[0] for line in sql_in_views(trees)} == {"app.tickets.list_views"}


def test_the_flask_session_is_not_sql(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "auth/__init__.py": "",
                                "auth/views.py": "def out():\n    return session.get('sid')\n"})
    assert sql_in_views(trees) == []


@pytest.mark.parametrize("statement", [
    "from flask_login import current_user\n",
    "import flask_login\n",
    "from flask import has_request_context, request\n",
    "import flask\n\ndef address():\n    return flask.request.remote_addr\n",
])
def test_the_audit_trail_reading_the_request_is_reported(tmp_path, statement):
    trees = _package(tmp_path, {"__init__.py": "", "audit/__init__.py": "", "audit/services.py": statement,
                                "tickets/__init__.py": "", "tickets/views.py": statement})
    found = audit_request_reads(trees)
    assert found and all(line.startswith("app.audit.services reads ") for line in found)


def platform_imports(trees) -> list[str]:
    """'module -> target' for every platform module that imports a domain (at any level, functions included)."""
    found = []
    for module, tree in trees.items():
        if not module.startswith(PLATFORM) or module in PLATFORM_EXCEPTIONS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found += [f"{module} -> {target}" for target in _targets(node, module, trees) if domain_of(target)]
    return sorted(set(found))


def test_the_platform_imports_no_domain():
    assert platform_imports(parse_tree(APP)) == []


def test_a_platform_module_importing_a_domain_is_reported(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "jobs/__init__.py": "", "tickets/__init__.py": "",
                                "tickets/services.py": "", "jobs/queue.py": "def f():\n    from app.tickets import services\n"})
    assert platform_imports(trees) == ["app.jobs.queue -> app.tickets.services"]
