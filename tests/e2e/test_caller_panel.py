"""The 3975 caller panel in Chromium: an `answer` event for the signed-in operator shows the caller within
two seconds; the call is then logged by keyboard alone (12 keystrokes: Enter, ten letters, Enter)."""

import json
import re
import subprocess
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import ROOT, create_resident, focus_is_visible, random_mobile, unique_name

FLASK = ROOT / ".venv" / "bin" / "flask"

PROCEDURE_TYPED = "Enlèvement"


@pytest.fixture(scope="module")
def cti_url(server):
    """A CTI token made by the operators' command, its last line alone being the token."""
    result = subprocess.run([str(FLASK), "--app", "app", "integrations", "create",
                             f"Standard e2e {uuid.uuid4().hex[:6]}", "--scopes", "cti,calls:read",
                             "--sites", "plateforme-3975"],
                            cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=120, check=True)
    token = result.stdout.strip().splitlines()[-1]
    return server.url(f"/api/v1/cti/{token}"), token


def _event(url: str, **body) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_answer_event_shows_the_caller_panel_and_the_call_is_logged_by_keyboard_alone(page_as, cti_url, server):
    url, token = cti_url
    page = page_as("tel3975")
    last_name = unique_name("Perrin")
    national, international = random_mobile()
    resident_id = create_resident(page, last_name, "Lucie", phone=national, postal_code="75012")
    page.goto("/")
    call_id = f"e2e-{uuid.uuid4().hex[:8]}"
    caller = international.replace(" ", "")
    assert _event(url, event="newCall", **{"from": caller, "to": "3975"}, direction="in", callId=call_id) == {}
    assert _event(url, event="answer", callId=call_id, user="tel3975") == {}

    panel = page.get_by_role("region", name=re.compile("Appel en cours"))
    expect(panel).to_be_visible(timeout=2000)
    expect(panel).to_contain_text(national)
    expect(panel).to_contain_text(re.compile(last_name, re.IGNORECASE))
    log_link = panel.get_by_role("link", name=re.compile("Enregistrer l'appel pour"))
    expect(log_link).to_be_focused()
    assert focus_is_visible(page)

    keystrokes = 0
    page.keyboard.press("Enter")
    keystrokes += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Téléphone 3975")
    procedure = page.get_by_label("Démarche", exact=True)
    expect(procedure).to_be_focused()
    page.keyboard.type(PROCEDURE_TYPED)
    keystrokes += len(PROCEDURE_TYPED)
    expect(procedure.locator("option:checked")).to_have_text(re.compile("^Enlèvement des encombrants"))
    page.keyboard.press("Enter")
    keystrokes += 1
    assert keystrokes == 12

    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    assert _event(url, event="hangup", callId=call_id, cause="normalClearing") == {}

    calls_request = urllib.request.Request(server.url("/api/v1/calls"), headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(calls_request, timeout=10) as response:
        logged = {c["call_id"]: c for c in json.loads(response.read())}[call_id]
    assert logged["state"] == "answered" and logged["operator"] == "tel3975"
    assert logged["resident_id"] == resident_id and logged["ticket_id"] is not None
    expect(page.get_by_role("region", name=re.compile("Appel en cours"))).to_have_count(0, timeout=3000)
