"""What the end-to-end tests do in the browser: sign in, fill the residents and tickets forms, run axe-core,
check the keyboard and the layout, save the README's screenshots. Fixtures live in `conftest.py`."""

import os
import random
import re
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "test-results" / "e2e"
DEMO_PASSWORD = "relais-demo-2017"
# Screenshots of the main pages: written to docs/screenshots/ when E2E_UPDATE_SCREENSHOTS=1 (to refresh
# the README's pictures), otherwise beside the other test output so a plain run leaves the tree clean.
UPDATE_SCREENSHOTS = os.environ.get("E2E_UPDATE_SCREENSHOTS") == "1"
SCREENSHOTS_DIR = ROOT / "docs" / "screenshots" if UPDATE_SCREENSHOTS else RESULTS_DIR / "screenshots"


# Database codes people once read on pages and in files (issue 17): a page or a file an agent or a manager
# opens shows none of them (codes stay in the API, `--format json` and the import files).
CODES = re.compile(r"(?<![\w-])(mairie-\d\d|plateforme-3975|counter|phone_3975|city|state|completed|partial|"
                   r"not_possible_online|abandoned|guided|together|on_behalf|dual_screen|kiosk|tablet|none|"
                   r"chose_digital|no_alternative|wanted_other_channel|in_progress|waiting_resident|transferred|"
                   r"channel_id|site_id|opened_at|anonymous|state-share|by_site|by_week|True|False)(?![\w-])")


def assert_no_codes(text: str, where: str) -> None:
    """Fail naming the codes found in what a person reads."""
    found = sorted(set(CODES.findall(text)))
    assert not found, f"codes shown in {where}: {', '.join(found)}"


def sign_in(page, login: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as an agent does (fill both fields, Enter)."""
    page.goto("/auth/login")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/auth/login).*$"))


def save_screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of a main page (docs/screenshots/ with E2E_UPDATE_SCREENSHOTS=1)."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"


def run_axe(page) -> list[dict]:
    """Run axe-core on the page as it is; returns every violation (id, impact, help, nodes' targets).

    `page.add_script_tag(path=...)` inserts an inline <script>, which the app's Content-Security-Policy
    (script-src 'self') rightly blocks; axe is evaluated through the DevTools protocol instead, which
    CSP does not govern, so the page keeps its real policy (no `bypass_csp`).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_FILE.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations'],
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def format_violations(violations: list[dict]) -> str:
    return "\n".join(f"- [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['targets'])}" for v in violations)


def has_horizontal_scroll(page) -> bool:
    """True when the page is wider than the viewport (the agent would have to scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def unique_name(prefix: str) -> str:
    """A compound last name no other test of the run uses, readable in the screenshots ("Bernard-Lamiro")."""
    syllables = [random.choice("bdfgklmnprstvz") + random.choice("aeiou") for _ in range(3)]
    return f"{prefix}-{''.join(syllables).capitalize()}"


def random_mobile() -> tuple[str, str]:
    """A French mobile number, as typed at the counter ("06 12 34 56 78") and in international form."""
    digits = f"1{random.randint(0, 9_999_999):07d}"  # 06 1x: metropolitan (06 93 would be La Réunion)
    national = "06 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    international = "+33 6 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    return national, international


def create_resident(page, last_name: str, first_name: str, phone: str = "", birth_date: str = "",
                    postal_code: str = "") -> int:
    """Create a resident through the full record form (as a counter agent would); returns its record number."""
    page.goto("/contacts/new")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom", exact=True).fill(first_name)
    if phone:
        page.get_by_label("Téléphone", exact=True).fill(phone)
    if birth_date:
        page.get_by_label("Date de naissance").fill(birth_date)
    if postal_code:
        page.get_by_label("Code postal").fill(postal_code)
    page.get_by_role("button", name="Créer l'usager").click()
    return resident_id_of(page)


def resident_id_of(page) -> int:
    """The record number of the resident page being shown."""
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))
    return int(re.search(r"/contacts/(\d+)$", page.url).group(1))


def tab_to(page, locator, max_presses: int = 40) -> None:
    """Press Tab until `locator` has the focus (keyboard only); fails if it never gets it."""
    for _ in range(max_presses):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never got the focus after {max_presses} presses of Tab")


def focus_is_visible(page) -> bool:
    """The focused element shows a focus indicator (an outline or a box shadow)."""
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    }""")


def log_ticket(page, resident_id: int, procedure: str, notes: str = "") -> str:
    """From the resident's page, log a ticket for `procedure` (an option's label), closed, on the site's first
    device at a counter (the agent chooses them: nothing is chosen in their place); returns its reference."""
    page.goto(f"/contacts/{resident_id}")
    page.get_by_role("link", name="Nouveau ticket").click()
    page.get_by_label("Démarche", exact=True).select_option(label=procedure)
    device = page.locator("select#device_id")
    if device.count():
        device.select_option(index=1)
    status = page.locator("select#status")
    if status.count() and not status.input_value():
        status.select_option(label="Clos")
    if notes:
        page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Enregistrer (Entrée)").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    return re.search(r"Ticket (\S+) enregistré", status.inner_text()).group(1)


def assert_keyboard_reaches_every_control(page, form_selector: str) -> None:
    """From the form's first control, Tab visits every control of the form, in order, each with a visible focus.

    Some controls hold several Tab stops (a date field: day, month, year, calendar button); each stop must
    show the focus too.
    """
    controls = page.locator(form_selector).locator(
        "select, input:not([type=hidden]), textarea, button, a[href], [tabindex='0']")
    count = controls.count()
    assert count > 0, f"no control in {form_selector}"
    controls.first.focus()
    visited: list[str] = []
    for _ in range(4 * count + 5):
        if not page.evaluate("(sel) => !!document.activeElement.closest(sel)", form_selector):
            break
        name = page.evaluate("() => document.activeElement.id || document.activeElement.name "
                             "|| document.activeElement.textContent.trim()")
        assert focus_is_visible(page), f"no visible focus on « {name} » in {form_selector}"
        if not visited or visited[-1] != name:
            visited.append(name)
        page.keyboard.press("Tab")
    assert len(visited) == count, f"Tab reached {len(visited)} of the {count} controls of {form_selector}: {visited}"
