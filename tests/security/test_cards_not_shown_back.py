"""A refused card number is never shown back: every form of every page a role reaches is posted with a
card number (written in pairs, as an agent typing fast does) in every field a person types in, and no
answer — page, message, JSON — holds its digits, however they are spaced. The sign-in form, the header
search box and the ticket's caller search are among those forms."""

import unicodedata

import pytest

from tests.security.crawl import stored_card_numbers
from tests.security.expectations import ANONYMOUS, ROLES
from tests.security.test_bad_input import SKIPPED_ACTIONS, _collect_forms, _submit

CARDS = ["51 21 03 51 80 66 12 16", "carte 4970|1000|0000|0063 exp 12/27"]
TYPED = ("text", "search", "textarea", "email", "tel", "password", "url", "")


def _digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdecimal())


def form_values(form, card: str) -> dict:
    """Every field a person types in holds `card`; the others keep what the page gave (a select its first
    choice, a box ticked)."""
    values = {}
    for f in form.fields:
        if f.kind in TYPED:
            values[f.name] = card
        elif f.kind == "select":
            values[f.name] = next((option for option in f.options if option), "")
        elif f.kind in ("checkbox", "radio"):
            values[f.name] = f.value or "y"
        else:  # hidden (the CSRF token, ids), numbers and dates keep what the page gave
            values[f.name] = f.value
    if form.submit:
        values[form.submit[0]] = form.submit[1]
    return values


@pytest.mark.parametrize("role", ROLES)
def test_no_form_shows_a_refused_card_number_back(role, app, client_as, matrix_samples):
    client = app.test_client() if role == ANONYMOUS else client_as(role)
    forms, _problems = _collect_forms(client, app, role, matrix_samples)
    shown = []
    for form in forms:
        if form.action in SKIPPED_ACTIONS or not any(f.kind in TYPED for f in form.fields):
            continue
        for card in CARDS:
            response = _submit(client, form, form_values(form, card))
            assert response.status_code < 500, f"{form.method} {form.action}: {response.status_code}"
            if _digits(card)[-16:] in _digits(response.get_data(as_text=True)):
                shown.append(f"{form.method} {form.action} (page {form.page})")
    assert shown == []
    assert stored_card_numbers() == []
