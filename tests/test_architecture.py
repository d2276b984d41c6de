"""The import rules of docs/architecture.md, read from the code's imports (an AST walk over app/).

- no import cycle between modules (imports at module level: those that run when a module loads);
- no domain imports `app.reports` (reports reads the domains, never the reverse);
- no domain builds, inserts, updates or deletes rows of another domain's models;
- no import inside a function, except those named below (each dodges something real);
- nothing in `app/audit/` reads the request or the signed-in agent: it is told who and from where (an
  `Actor`, built in a request by `app/auth/current.py: request_actor`).

Every exception is named, with its reason, in docs/architecture.md ("Exceptions to the import rules").
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
DOC = ROOT / "docs" / "architecture.md"

# The packages that own tables. `demo` (a seeding tool) and `main` (the home page) are not domains.
DOMAINS = {"api", "audit", "auth", "channels", "contacts", "privacy", "reports", "telephony", "tickets", "training"}

# module -> the domains whose models it may write (said, with the reason, in docs/architecture.md).
CROSS_DOMAIN_WRITES: dict[str, set[str]] = {
    "app.privacy.retention": {"tickets"},  # purges ticket notes in bulk: to become a tickets use case
}

# Modules outside reports that may import it: the REST API is a front over every domain, like the views.
REPORTS_READERS = {"app.api.views"}

# module:function holding an import on purpose.
FUNCTION_IMPORTS = {
    "app:create_app",  # the factory: importing the views at module level would load the whole app with `app.extensions`
    "app:_register_blueprints",  # the same
    "app.jobs:perform",  # a job builds the app (app -> views -> services -> jobs: a cycle at module level)
    "app.reports.cli:_output",  # pandas only for `--format csv`: every `flask` command loads this module
    "app.workers:run_worker",  # pandas preloaded once in the parent, shared by the forked work horses
}

WRITE_CALLS = {"insert", "update", "delete"}

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


def foreign_writes(trees) -> list[str]:
    """'module writes domain.Model' where a domain module constructs, inserts, updates or deletes another
    domain's model (imported from that domain's models)."""
    found = []
    for module, tree in trees.items():
        own = domain_of(module)
        if own is None:
            continue
        foreign = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
                other = domain_of(node.module)
                if other and other != own and ".models" in node.module + ".":
                    for alias in node.names:
                        foreign[alias.asname or alias.name] = other
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in foreign:  # Model(...): a new row
                written = {name}
            elif name in WRITE_CALLS:  # db.insert(Model), update(Model), delete(Model)
                written = {arg.id for arg in node.args if isinstance(arg, ast.Name) and arg.id in foreign}
            else:
                continue
            for model in written:
                if foreign[model] not in CROSS_DOMAIN_WRITES.get(module, set()):
                    found.append(f"{module} writes {foreign[model]}.{model} (line {node.lineno})")
    return found


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


def test_the_audit_trail_reads_neither_the_request_nor_the_signed_in_agent(trees):
    assert audit_request_reads(trees) == []


def test_every_exception_is_named_in_the_architecture_doc():
    doc = DOC.read_text(encoding="utf-8")
    for entry in sorted(FUNCTION_IMPORTS | set(CROSS_DOMAIN_WRITES) | REPORTS_READERS):
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


@pytest.mark.parametrize("code", [
    "db.session.add(Ticket(resident_id=1))",
    "db.session.execute(db.update(Ticket).values(resident_id=2))",
    "db.session.execute(insert(TicketEvent), rows)",
    "db.session.execute(delete(Ticket))",
])
def test_a_domain_writing_another_domains_model_is_reported(tmp_path, code):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "", "tickets/models.py": "",
                                "contacts/__init__.py": "",
                                "contacts/merge.py": "from app.tickets.models import Ticket, TicketEvent\n"
                                                     f"def merge():\n    {code}\n"})
    assert len(foreign_writes(trees)) == 1


def test_reading_another_domains_model_is_allowed(tmp_path):
    trees = _package(tmp_path, {"__init__.py": "", "tickets/__init__.py": "", "tickets/models.py": "",
                                "contacts/__init__.py": "",
                                "contacts/queries.py": "from app.tickets.models import Ticket\n"
                                                       "def q():\n    return db.select(Ticket).where(Ticket.id == 1)\n"})
    assert foreign_writes(trees) == []


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
