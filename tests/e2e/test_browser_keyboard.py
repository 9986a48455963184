"""Browser tests of the console at keyboard speed (static/hubmod/console.js): a moderator works
through ten cases without the mouse, the list of keys opens and closes, image evidence stays
blurred until revealed (remembered for that file only), and the navigation keeps to one line."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in, staff_with_password
from tests.factories import RepositoryFactory, appeal_reviewer, moderator
from tests.moderation.image_evidence import report_with_image

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STATEMENT = "The model card promises a safety evaluation that the repository does not contain."
BLURRED = "blur(16px) grayscale(1)"
# The console bar's names, in each language the test looks at it in.
NAV_NAMES = {"en": ("Console", "Appeals", "Queue"), "de": ("Konsole", "Widersprüche", "Warteschlange")}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    # A script error or a refusal by the Content-Security-Policy would fail these tests one step later.
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(f"{message.text} ({message.location['url']})")
            if message.type == "error" and not message.location["url"].endswith("/favicon.ico") else None)  # fmt: skip
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def hub(settings):
    """The stand-in hub, so that the warnings the moderator decides are delivered somewhere real."""
    from devtools.hub_receiver import HubReceiver

    receiver = HubReceiver(secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=").start()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = receiver.url, receiver.secret
    yield receiver
    receiver.stop()


def ready(page) -> None:
    """The page the last key led to has run its deferred scripts: its keys are listened for."""
    page.wait_for_load_state("domcontentloaded")


def focused(page) -> str:
    """The focused element as `tag name=... type=...`, to follow the focus without the mouse."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return `${e.tagName.toLowerCase()} name=${e.getAttribute('name')} type=${e.getAttribute('type')}`; }"
    )


def tab_to(page, description: str, *, limit: int = 15) -> None:
    for _ in range(limit):
        if focused(page) == description:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {description}; the focus is on {focused(page)}")


def choose_with_arrows(page, value: str, *, limit: int = 40) -> None:
    """Move the focused select to `value` with the arrow keys, as a keyboard user does."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"The arrow keys never reached {value}")


@pytest.mark.django_db(transaction=True)
def test_a_moderator_works_through_ten_cases_with_the_keyboard_alone(page, hub):
    from hubmod.seed import seed
    from moderation.models import Case, Decision
    from tests.flows import file

    seed()
    case_ids = [file(RepositoryFactory(), "other", path="README.md", lines="3-9")["case_id"] for _ in range(10)]
    staff_with_password(moderator, "mia")

    sign_in(page, "mia")
    page.get_by_role("heading", name="Review queue").wait_for()
    ready(page)
    keys = page.keyboard

    keys.press("/")
    expect(page.get_by_role("form", name="Filter the queue").get_by_label("State")).to_be_focused()
    keys.press("Escape")
    first_row = page.get_by_role("link", name=f"#{case_ids[0]}", exact=True)
    for key in "jjk":
        keys.press(key)
    expect(first_row).to_be_focused()
    expect(page.locator("tr.is-current")).to_have_count(1)

    # The list of keys: a dialog that Esc closes, giving the focus back to where it was.
    keys.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_text("Decide and go to the next case.")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-keyboard-help.png")
    keys.press("Escape")
    expect(help_dialog).to_be_hidden()
    expect(first_row).to_be_focused()

    keys.press("Enter")
    for number, case_id in enumerate(case_ids, start=1):
        page.wait_for_url(f"**/console/cases/{case_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case #{case_id}")
        ready(page)
        # What the moderator reads before deciding: the reported file and its lines.
        expect(page.get_by_text("Location: README.md lines 3\u20139")).to_be_visible()

        keys.press("c")
        expect(page.get_by_test_id("case-state")).to_have_text("In Review")
        ready(page)
        keys.press("d")
        expect(page.get_by_label("Warn", exact=True)).to_be_focused()
        keys.press("1")
        expect(page.get_by_label("Warn", exact=True)).to_be_checked()
        tab_to(page, "select name=ground type=null")
        choose_with_arrows(page, "policy:harmful-use")
        keys.press("Escape")  # out of the select, so that letters are keys again
        keys.press("s")
        statement = page.get_by_label("Statement of reasons")
        expect(statement).to_be_focused()
        # The category's template is there to write over, its first [placeholder] selected.
        assert statement.evaluate("s => s.value.slice(s.selectionStart, s.selectionEnd)").startswith("[the facts")
        keys.press("Control+a")
        keys.type(STATEMENT)
        if number == 1:
            page.screenshot(path=ARTIFACTS / "console-keyboard.png", full_page=True)
        keys.press("Escape")
        if number % 2:
            keys.press("n")
        else:
            # The other way: Ctrl+Enter sends the form with the button that has the focus.
            tab_to(page, "button name=then type=submit")
            keys.press("Control+Enter")
        expect(page.get_by_text("Decided.")).to_be_visible()

    page.wait_for_url("**/console/")
    expect(page.get_by_text("Nothing else is waiting in this queue.")).to_be_visible()
    decisions = Decision.objects.filter(case_id__in=case_ids)
    assert sorted(decisions.values_list("case_id", flat=True)) == sorted(case_ids)
    assert {d.requested_actions[0] for d in decisions} == {"warn"}
    assert {d.statement for d in decisions} == {STATEMENT}
    assert set(Case.objects.filter(pk__in=case_ids).values_list("state", flat=True)) == {"resolved"}


@pytest.mark.django_db(transaction=True)
def test_image_evidence_is_blurred_until_revealed_and_only_that_file_stays_revealed(page):
    from hubmod.seed import seed

    seed()
    first, second = report_with_image("first.png", width=160), report_with_image("second.png", width=200)
    staff_with_password(moderator, "mia")
    sign_in(page, "mia")
    page.get_by_role("heading", name="Review queue").wait_for()

    page.goto(f"/console/cases/{first.case_id}/")
    figure = page.get_by_test_id(f"evidence-image-{first.evidence.get().pk}")
    image = figure.get_by_role("img", name="Image evidence first.png (image/png)")
    expect(image).to_have_css("filter", BLURRED)
    # The file came through the access-checked download, and the browser drew it.
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 160
    figure.get_by_role("button", name="Reveal").click()
    expect(image).to_have_css("filter", "none")
    expect(figure.get_by_role("button", name="Blur again")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-evidence-revealed.png", full_page=True)

    page.reload()
    expect(image).to_have_css("filter", "none")

    page.goto(f"/console/cases/{second.case_id}/")
    other = page.get_by_test_id(f"evidence-image-{second.evidence.get().pk}").get_by_role("img")
    expect(other).to_have_css("filter", BLURRED)
    assert other.evaluate("img => img.decode().then(() => img.naturalWidth)") == 200
    page.screenshot(path=ARTIFACTS / "console-evidence-blurred.png", full_page=True)

    page.goto(f"/console/cases/{first.case_id}/")
    figure.get_by_role("button", name="Blur again").click()
    page.reload()
    expect(image).to_have_css("filter", BLURRED)


@pytest.mark.django_db(transaction=True)
def test_without_javascript_image_evidence_stays_blurred_and_a_link_opens_it(browser, live_server):
    from hubmod.seed import seed

    seed()
    report = report_with_image("shot.png")
    evidence_id = report.evidence.get().pk
    staff_with_password(moderator, "mia")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()

    sign_in(page, "mia")
    page.goto(f"/console/cases/{report.case_id}/")
    figure = page.get_by_test_id(f"evidence-image-{evidence_id}")

    expect(figure.get_by_role("img")).to_have_css("filter", BLURRED)
    expect(figure.get_by_role("button", name="Reveal")).to_be_hidden()
    expect(figure.get_by_role("link", name="shot.png (image/png)")).to_have_attribute(
        "href", f"/console/evidence/{evidence_id}"
    )
    context.close()


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.django_db(transaction=True)
def test_the_navigation_keeps_to_one_line_at_1280_pixels_and_links_the_appeals(page, live_server, language):
    staff_with_password(appeal_reviewer, "senior-moderator-rosa")
    sign_in(page, "senior-moderator-rosa")
    page.wait_for_url(re.compile(r".*/console/$"))
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.reload()

    # The widest it gets: every public link and every console link, in either language.
    console_name, appeals, queue = NAV_NAMES[language]
    console = page.get_by_role("navigation", name=console_name)
    expect(console.get_by_role("link", name=appeals)).to_have_attribute("href", "/console/appeals/")
    expect(console.get_by_role("link", name=queue)).to_have_attribute("aria-current", "page")
    for nav in (page.locator("header.site nav"), console):
        items = nav.locator(":scope > a, :scope > form")
        boxes = [items.nth(i).bounding_box() for i in range(items.count())]
        line = min(box["height"] for box in boxes)
        assert len({round(box["y"]) for box in boxes}) == 1, f"{nav} wraps: {boxes}"
        assert nav.bounding_box()["height"] <= line + 16, f"{nav} is taller than one line: {boxes}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280, "The page scrolls sideways"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"console-nav-1280-{language}.png")
