"""Bad input on purpose: every form of every page a role reaches, and the ticket import, get random Unicode,
very long values, HTML and SQL payloads and card numbers. No 500, nothing echoed unescaped, no card stored."""

import io
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.tickets.import_rows import COLUMNS
from tests.security.crawl import forms_of, pages_for, stored_card_numbers, unsafe_markup
from tests.security.expectations import ANONYMOUS, ROLES

CARD_NUMBERS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "4012888888881881", "378282246310005"]
PAYLOADS = [
    "<script>alert('relais')</script>", "\"><img src=x onerror=alert(1)>", "</textarea><script>x()</script>",
    "' OR '1'='1' --", "'; DROP TABLE tickets; --", "Robert'); DELETE FROM residents;--",
    "=HYPERLINK(\"http://evil.example\")", "{{ 7*7 }}{% raw %}", "%s%s%n%x", "../../etc/passwd",
    "\u202eevil\u202c", "ﷺ" * 50, "𝕏" * 300, "a" * 5000, " ", "0", "-1", "99999999999999999999",
    "2026-02-30", "\x00nul", "carte " + CARD_NUMBERS[0],
] + CARD_NUMBERS
SKIPPED_ACTIONS = ("/auth/logout",)  # would end the session mid-run
TICKET_ROLES = ("counter_agent", "operator_3975", "facil_familles")


def _extra_pages(role, samples) -> list[str]:
    """Pages reached with a query string (not in the URL map): the new-ticket forms."""
    if role not in TICKET_ROLES:
        return []
    return [f"/tickets/new?resident_id={samples['resident']}", "/tickets/new?anonymous=1"]
UNICODE = st.characters(blacklist_categories=("Cs",))
# Long values are built by repetition: few random bytes each, so a whole run of forms fits Hypothesis's buffer.
LONG = st.builds(lambda chunk, size: (chunk * size)[:size], st.text(UNICODE, min_size=1, max_size=8),
                 st.integers(300, 5000))
VALUES = st.one_of(st.sampled_from(PAYLOADS), st.text(UNICODE, max_size=40), LONG)
FUZZ = settings(max_examples=int(os.environ.get("RELAIS_FUZZ_EXAMPLES", "3")), deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _collect_forms(client, app, role, samples):
    """The distinct forms of every page the role may open; pages are checked for CSP-unsafe markup."""
    forms, problems = {}, []
    for url in pages_for(app, role, samples) + _extra_pages(role, samples):
        response = client.get(url, buffered=True)
        if not response.mimetype == "text/html":
            continue
        body = response.get_data(as_text=True)
        problems += [f"{url}: {p}" for p in unsafe_markup(body)]
        for form in forms_of(url, body):
            if form.action not in SKIPPED_ACTIONS and "multipart" not in form.enctype:
                forms.setdefault(form.key, form)
    return list(forms.values()), problems


def _fill(data, form):
    values = {}
    for f in form.fields:
        if f.name == "csrf_token":
            values[f.name] = f.value
        elif f.kind == "select":
            values[f.name] = data.draw(st.sampled_from(f.options) | VALUES) if f.options else data.draw(VALUES)
        elif f.kind in ("checkbox", "radio"):
            if data.draw(st.booleans()):
                values[f.name] = f.value or "y"
        elif f.kind == "hidden":
            values[f.name] = data.draw(st.sampled_from([f.value]) | VALUES)
        else:
            values[f.name] = data.draw(VALUES)
    if form.submit:
        values[form.submit[0]] = form.submit[1]
    return values


def _echoed_raw(body: str, values: dict) -> list[str]:
    return [name for name, value in values.items()
            if isinstance(value, str) and "<" in value and len(value) > 3 and value in body]


def _submit(client, form, values):
    if form.method == "GET":
        return client.get(form.action.split("?")[0] + "?" + urlencode(values), buffered=True)
    return client.post(form.action, data=values, buffered=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_bad_input(role, app, client_as, matrix_samples):
    client = app.test_client() if role == ANONYMOUS else client_as(role)
    forms, problems = _collect_forms(client, app, role, matrix_samples)
    assert forms, f"no form found for {role}"
    assert not problems, "\n".join(problems)

    @FUZZ
    @given(data=st.data())
    def run(data):
        for form in forms:
            values = _fill(data, form)
            response = _submit(client, form, values)
            where = f"{form.method} {form.action} (page {form.page}) as {role}"
            assert response.status_code < 500, f"{where}: {response.status_code} with {values!r:.500}"
            raw = _echoed_raw(response.get_data(as_text=True), values)
            assert not raw, f"{where}: fields {raw} shown unescaped"

    run()
    assert stored_card_numbers() == []


CELL = st.one_of(st.sampled_from(PAYLOADS), st.text(UNICODE, max_size=40))


def _csv(rows) -> bytes:
    def cell(value):
        return '"' + value.replace('"', '""') + '"'
    lines = [";".join(COLUMNS)] + [";".join(cell(v) for v in row) for row in rows]
    return "\n".join(lines).encode("utf-8")


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=3))
def test_ticket_import_survives_bad_input(rows, app, client_as, runner, tmp_path, reference):
    client = client_as("admin")
    body = _csv(rows)
    response = client.post("/tickets/import", data={"file": (io.BytesIO(body), "fuzz.csv")},
                           content_type="multipart/form-data", buffered=True)
    assert response.status_code < 500
    assert not _echoed_raw(response.get_data(as_text=True), {str(i): v for i, v in enumerate(sum(rows, []))})
    path = tmp_path / "fuzz.csv"
    path.write_bytes(body)
    result = runner.invoke(args=["tickets", "import", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert stored_card_numbers() == []


def test_the_checks_catch_unsafe_pages(app, client):
    """The checks above can fail: a page echoing input raw, with inline script, is caught."""
    from flask import Blueprint, request

    bp = Blueprint("unsafe_test", __name__)

    @bp.route("/test-unsafe", methods=["GET", "POST"])
    def unsafe():
        echoed = request.form.get("q", "")
        return f'<form method="post"><input name="q"></form><script>x()</script><p style="x">{echoed}</p>'

    app.register_blueprint(bp)
    import app as app_module

    app_module.PUBLIC_ENDPOINTS.add("unsafe_test.unsafe")
    try:
        body = client.get("/test-unsafe").get_data(as_text=True)
        [form] = forms_of("/test-unsafe", body)
        assert [f.name for f in form.fields] == ["q"] and form.method == "POST"
        assert len(unsafe_markup(body)) == 2
        payload = {"q": PAYLOADS[0]}
        assert _echoed_raw(client.post("/test-unsafe", data=payload).get_data(as_text=True), payload) == ["q"]
    finally:
        app_module.PUBLIC_ENDPOINTS.discard("unsafe_test.unsafe")


def test_import_with_a_nul_character_is_refused_with_its_line(runner, tmp_path, reference):
    path = tmp_path / "nul.csv"
    path.write_bytes(_csv([["2026-01-05 10:00", "counter", "mairie-02", "x\x00y"] + [""] * (len(COLUMNS) - 4)]))
    result = runner.invoke(args=["tickets", "import", str(path)])
    assert result.exit_code == 1
    assert "ligne 2, colonne — : le fichier contient un caractère nul" in result.output
