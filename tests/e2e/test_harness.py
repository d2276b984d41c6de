"""The checks the other end-to-end tests rely on do detect problems (so their silence means something)."""

from tests.e2e.helpers import run_axe


def test_axe_flags_an_unlabelled_field_and_an_image_without_text(page):
    page.goto("/auth/login")
    page.evaluate("""() => {
        const extra = document.createElement('div');
        extra.innerHTML = '<img src="/static/none.png"><input type="text" name="unlabelled">';
        document.querySelector('main').appendChild(extra);
    }""")

    found = {v["id"]: v["impact"] for v in run_axe(page)}

    assert found.get("image-alt") == "critical"
    assert found.get("label") == "critical"


def test_inline_style_is_reported_as_a_content_security_policy_violation(browser_session):
    page = browser_session.new_page()
    page.goto("/auth/login")
    page.evaluate("() => document.querySelector('main').setAttribute('style', 'color: red')")
    page.wait_for_timeout(200)

    assert any("style-src" in message for message in browser_session.csp_violations)
    browser_session.csp_violations.clear()  # expected here; any other test fails on one
