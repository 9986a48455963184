"""Browser test: the policy center in English, then in German for a German browser, and the
language switcher flipping it back and forth (Playwright driving Debian's chromium)."""

from pathlib import Path

import pytest

from hubmod.seed import seed

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def seeded_live(transactional_db, live_server):
    seed()
    return live_server.url


@pytest.mark.django_db(transaction=True)
def test_the_policy_center_renders_in_english_and_in_german_and_the_switcher_flips_it(browser, seeded_live):
    english = browser.new_context(base_url=seeded_live, locale="en-US")
    page = english.new_page()
    page.goto("/policy/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Policy center"
    page.get_by_role("link", name="Read the policy, with examples of what is allowed and what is not").click()
    page.get_by_role("heading", name="The rules, section by section").wait_for()
    assert page.get_by_test_id("prohibited-harmful-use").is_visible()
    english.close()

    german = browser.new_context(base_url=seeded_live, locale="de-DE")
    page = german.new_page()
    page.goto("/policy/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Richtlinien-Center"
    assert "auf Englisch verbindlich" in page.get_by_test_id("binding-language").inner_text()
    page.get_by_role("link", name="Verwarnungen und Folgen").first.click()
    page.get_by_role("heading", name="Schweregrad: Kritisch").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "policy-center-de.png", full_page=True)

    # The switcher overrides the browser's preference, and stays on the same page.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Severity: Critical").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/policy/strikes/")
    page.goto("/policy/appeals/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your right to appeal"

    page.get_by_role("button", name="Deutsch").click()
    page.get_by_role("heading", name="Ihr Recht auf Widerspruch").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    german.close()
