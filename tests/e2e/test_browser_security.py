"""In a real browser, the pages and the API docs work under the Content-Security-Policy: nothing
they need is refused, and the Swagger UI lists the API from hubmod's own files."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page_and_refusals(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refusals: list[str] = []
    page.on(
        "console", lambda message: refusals.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page, refusals
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/report/", "/transparency/", "/console/login/"])
def test_a_page_loads_with_nothing_refused_by_the_policy(page_and_refusals, seeded, path):
    page, refusals = page_and_refusals

    response = page.goto(path)
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", "the stylesheet did not apply"
    assert refusals == []


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_from_hubmods_own_files_under_the_policy(page_and_refusals, seeded):
    page, refusals = page_and_refusals

    page.goto("/api/v1/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/reports").first.wait_for(timeout=20_000)

    assert refusals == []
