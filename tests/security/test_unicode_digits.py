"""Digits of other scripts in every field of every form (issue 24): '²' (a key of the AZERTY keyboard), circled,
full-width and Arabic-Indic digits. Python's `isdigit()` says yes to '²' and `int()` then raises; `int()` reads
'١٢' as 12. Every form answers without a 500, in French, and nothing reads such a text as a number."""

from urllib.parse import urlencode

import pytest

from app.digits import ascii_int, foreign_digits, foreign_digits_message, is_ascii_number, optional_ascii_int
from app.extensions import db
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.security.crawl import forms_of, pages_for

SPELLINGS = ["²", "①②", "１２", "١٢", "۱۲", "12²", "Ⅻ"]
TYPED = ("text", "search", "number", "date", "tel", "email", "hidden", "textarea", "select")
SKIPPED_ACTIONS = ("/auth/logout",)
# What WTForms or Werkzeug say in English when a field is not handled: none may reach an agent.
ENGLISH = ("Not a valid", "Invalid Choice", "could not coerce", "This field is required", "Internal Server Error",
           "Invalid input")


@pytest.mark.parametrize("text, number", [
    ("12", 12), (" 7 ", 7), ("0", 0), ("²", None), ("①②", None), ("１２", None), ("١٢", None), ("۱۲", None),
    ("12²", None), ("-1", None), ("1 2", None), ("", None), (None, None), ("1e3", None), ("+5", None),
])
def test_numbers_are_read_with_the_digits_0_to_9_only(text, number):
    assert ascii_int(text) == number
    assert is_ascii_number((text or "").strip()) is (number is not None)


def test_what_is_not_a_digit_0_to_9_is_named_in_french():
    assert foreign_digits("Martin ²²①") == "²①"
    assert foreign_digits("m² Lefèvre") == "²"
    assert foreign_digits("Martin 75012") == ""
    assert foreign_digits_message("①②", "Usager") == ("Usager : « ① » « ② » ne sont pas des chiffres de 0 à 9 ; "
                                                     "retapez le nombre avec les chiffres du clavier.")
    with pytest.raises(ValueError):
        optional_ascii_int("١٢")
    assert optional_ascii_int("") is None and optional_ascii_int("12") == 12


def _forms(client, app, role, samples) -> list:
    forms = {}
    pages = pages_for(app, role, samples) + [f"/tickets/new?resident_id={samples['resident']}"]
    for url in pages:
        response = client.get(url, buffered=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in forms_of(url, response.get_data(as_text=True)):
            if form.action not in SKIPPED_ACTIONS and "multipart" not in form.enctype:
                forms.setdefault(form.key, form)
    return list(forms.values())


def _defaults(form) -> dict:
    values = {}
    for f in form.fields:
        if f.kind in ("checkbox", "radio"):
            continue
        values[f.name] = f.options[0] if f.kind == "select" and f.options else f.value
    if form.submit:
        values[form.submit[0]] = form.submit[1]
    return values


def _submit(client, form, values):
    if form.method == "GET":
        return client.get(form.action.split("?")[0] + "?" + urlencode(values), buffered=True)
    return client.post(form.action, data=values, buffered=True)


@pytest.mark.parametrize("role", ["admin", "counter_agent", "operator_3975", "manager"])
def test_every_field_of_every_form_takes_other_digits_without_a_500(role, app, client_as, matrix_samples):
    client = client_as(role)
    forms = _forms(client, app, role, matrix_samples)
    assert len(forms) > 3, f"too few forms found for {role}"
    problems = []
    for form in forms:
        for f in form.fields:
            if f.kind not in TYPED or f.name == "csrf_token":
                continue
            for spelling in SPELLINGS:
                values = _defaults(form) | {f.name: spelling}
                before = _tickets()
                response = _submit(client, form, values)
                where = f"{form.method} {form.action} {f.name}={spelling!r} as {role}"
                if f.kind in ("select", "number") and _tickets() != before:
                    problems.append(f"{where}: a ticket was logged, '{spelling}' read as a choice")
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                    continue
                english = [w for w in ENGLISH if w in response.get_data(as_text=True)]
                if english:
                    problems.append(f"{where}: English {english}")
    assert not problems, "\n".join(problems)


def _tickets() -> int:
    return db.session.execute(db.select(db.func.count(Ticket.id))).scalar_one()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_search_boxes_refuse_other_digits_in_french_naming_the_field(spelling, client_as, matrix_samples):
    admin, agent = client_as("admin"), client_as("counter_agent")
    answers = {
        "audit (usager)": admin.post("/audit/", data={"resident": spelling}),
        "audit (agent)": admin.post("/audit/", data={"agent": spelling}),
        "droit d'accès": admin.post("/privacy/", data={"q": spelling}),
        "recherche d'usagers": agent.post("/contacts/search", data={"q": spelling}),
        "ticket (usager)": agent.post("/tickets/new", data={"q": spelling}),
        "recherche de tickets": agent.get("/tickets/search?" + urlencode({"date_from": "2026-0" + spelling})),
    }
    for where, response in answers.items():
        assert response.status_code in (200, 400), where
        assert "de 0 à 9" in text_of(response), where
    live = agent.post("/contacts/search/live", json={"q": spelling}).get_json()
    assert live["results"] == [] and "de 0 à 9" in live["message"]


@pytest.mark.parametrize("url", ["/contacts/{}", "/tickets/{}", "/privacy/residents/{}", "/reports/runs/{}"])
def test_an_id_in_a_url_is_written_with_0_to_9(url, client_as, matrix_samples):
    client = client_as("admin")
    resident = str(matrix_samples["resident"])
    other = resident.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.get(url.format(other)).status_code == 404
    assert client.get(url.format("²")).status_code == 404
