"""Browser tests: Playwright driving Debian's chromium against the live server."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import RepositoryFactory, moderator

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def staff_with_password(make, username: str):
    user = make(username=username)
    user.set_password(f"a long password for {username}")
    user.save()
    return user


def sign_in(page, username: str) -> None:
    page.goto("/console/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"a long password for {username}")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_a_dmca_notice_filed_through_the_form_shows_its_receipt_and_status(page, live_server):
    RepositoryFactory(owner__handle="acme", name="tiny-llama")

    page.goto("/report/")
    page.get_by_role("link", name="Copyright infringement (DMCA notice)").click()
    page.get_by_label("What are you reporting?").select_option("repository")
    page.get_by_label("Which one?").fill("acme/tiny-llama")
    page.get_by_label("The copyrighted work").fill("The novel 'Example', chapters 1-3")
    page.get_by_label("Where the infringing material is").fill("data/train.jsonl lines 1-400")
    page.get_by_label("Your full name").fill("Rita Rightsholder")
    page.get_by_label("Your e-mail address").fill("rita@publisher.example")
    page.get_by_label("Your postal address").fill("1 Main St, Springfield, US")
    page.get_by_label("good faith belief").check()
    page.get_by_label("the information in this notification is accurate").check()
    page.get_by_label("I am the copyright owner").check()
    page.get_by_label("Signature").fill("Rita Rightsholder")
    page.get_by_role("button", name="Send report").click()

    page.get_by_text("we received your report").wait_for()
    receipt = page.get_by_test_id("receipt").inner_text().strip()
    assert len(receipt) >= 24
    assert page.get_by_test_id("status").inner_text() == "received"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-receipt.png", full_page=True)

    # The status page works again later from the tracking link alone.
    page.goto(page.url.replace("&new=1", ""))
    assert page.get_by_test_id("status").inner_text() == "received"


@pytest.mark.django_db(transaction=True)
def test_a_dsa_notice_filed_through_the_form_is_followed_with_its_receipt(page):
    RepositoryFactory(owner__handle="acme", name="threats")

    page.goto("/report/")
    page.get_by_role("link", name="Illegal content (EU Digital Services Act notice)").click()
    page.get_by_label("Which one?").fill("acme/threats")
    page.get_by_label("File (optional)").fill("data/threats.csv")
    page.get_by_label("Lines (optional)").fill("3-9")
    page.get_by_label("Why it is illegal").fill("It publishes home addresses together with threats.")
    page.get_by_label("Exact location (URL)").fill("https://hub.example/acme/threats/blob/main/data/threats.csv")
    page.get_by_label("The law it breaks").fill("German Criminal Code § 241")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("believe in good faith").check()
    page.get_by_role("button", name="Send report").click()

    # Name and e-mail are legal elements of a DSA notice: the form says so next to the fields.
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_role("alert").get_by_text("The law requires your name in this notice.").is_visible()
    page.get_by_label("Your name").fill("Dana Notifier")
    page.get_by_label("Your e-mail").fill("dana@example.org")
    page.get_by_label("believe in good faith").check()
    page.get_by_role("button", name="Send report").click()

    page.get_by_text("we received your report").wait_for()
    receipt = page.get_by_test_id("receipt").inner_text().strip()
    status_url = page.url.replace("&new=1", "")
    page.goto("/report/")
    page.goto(status_url)
    assert page.get_by_test_id("status").inner_text() == "received"
    assert "data/threats.csv lines 3\u20139" in page.content()
    assert receipt in status_url


@pytest.mark.django_db(transaction=True)
def test_a_missing_field_is_shown_next_to_it_and_in_the_summary(page):
    RepositoryFactory(owner__handle="acme", name="tiny-llama")

    page.goto("/report/other/")
    page.get_by_label("Which one?").fill("acme/tiny-llama")
    page.get_by_role("button", name="Send report").click()

    assert page.get_by_role("alert").get_by_text("What is wrong").is_visible()
    assert page.locator("#id_details__explanation").is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_moderator_signs_in_and_sees_the_queue(page):
    staff_with_password(moderator, "mia")

    sign_in(page, "mia")

    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.get_by_text("Nothing waiting").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_public_license_catalogue_lists_clauses_and_explains_the_rest(page):
    from hubmod.seed import seed
    from licenses.models import License

    seed()
    llama = License.objects.get(key="llama3.1")
    first_clause = llama.clauses.filter(actionable=True).order_by("ref").first()

    page.goto("/report/")
    page.get_by_role("link", name="Licenses we act on").click()

    page.get_by_role("heading", name="Licenses the hub acts on").wait_for()
    page.get_by_role("navigation", name="Licenses on this page").get_by_role("link", name=llama.name).click()
    section = page.locator("section#llama3\\.1")
    assert section.get_by_role("rowheader", name=first_clause.ref, exact=True).is_visible()
    assert section.get_by_text(first_clause.summary).is_visible()
    assert page.get_by_role("heading", name="Licenses we do not act on").is_visible()
    assert page.get_by_text(License.objects.get(key="unknown").rationale).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "license-catalogue.png")


@pytest.mark.django_db(transaction=True)
def test_a_moderator_filters_the_queue_opens_a_case_and_decides_on_a_license_clause(page, settings):
    from devtools.hub_receiver import HubReceiver
    from hubmod.seed import seed
    from licenses.models import LicenseClause
    from moderation.services.cases import case_for_report

    seed()
    receiver = HubReceiver(secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=").start()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = receiver.url, receiver.secret
    repo = RepositoryFactory(owner__handle="acme", name="llama-tune", license_key="llama3.1")
    case = case_for_report(repository=repo, account=None, category="license_violation").case
    case_for_report(repository=RepositoryFactory(), account=None, category="spam")
    clause = LicenseClause.objects.filter(license__key="llama3.1", actionable=True).order_by("ref").first()
    staff_with_password(moderator, "mia")

    sign_in(page, "mia")
    page.get_by_role("form", name="Filter the queue").get_by_label("Category").select_option("license_violation")
    page.get_by_role("button", name="Filter").click()
    # count() does not wait: without waiting for the filtered page it can read the one unloading.
    page.wait_for_url("**category=license_violation**")
    rows = page.get_by_role("form", name="Queue").locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=f"#{case.pk}").click()

    page.get_by_role("button", name="Claim").click()
    page.get_by_label("Delist", exact=True).check()
    page.get_by_label("Ground").select_option(f"clause:{clause.pk}")
    page.get_by_label("Deliberate").check()
    page.get_by_label("Statement of reasons").fill("The model card advertises the fine-tune for writing malware.")
    recommended = page.get_by_test_id("recommend-deliberate").inner_text()
    if recommended != "delist":
        page.get_by_label("Why you depart from the recommendation").fill("Delisting is enough while we talk.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-case.png", full_page=True)
    page.get_by_role("button", name="Decide", exact=True).click()

    page.get_by_text("Decided.").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    assert f"clause {clause.ref}" in page.content()
    receiver.wait_for(lambda d: d.payload["action"] == "delist", timeout=10)
    receiver.stop()


@pytest.mark.django_db(transaction=True)
def test_an_uploader_appeals_from_the_notice_and_a_reviewer_overturns_it(page, settings, mailoutbox):
    import re

    from devtools.hub_receiver import HubReceiver
    from hub.models import Repository
    from hubmod.actors import Actor
    from hubmod.seed import seed
    from moderation.services.cases import case_claim, case_for_report
    from moderation.services.decisions import Ground, case_decide
    from tests.factories import AccountFactory, appeal_reviewer

    seed()
    receiver = HubReceiver(secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=").start()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = receiver.url, receiver.secret
    AccountFactory(handle="uma", email="uma@example.org")
    repo = RepositoryFactory(owner__handle="uma", name="voice-demo")
    case = case_for_report(repository=repo, account=None, category="other").case
    decider = Actor.staff(moderator())
    case_claim(case_id=case.pk, actor=decider)
    case_decide(case_id=case.pk, actor=decider, actions=["delist"], ground=Ground(policy_section="harmful-use"),
                intent="deliberate", statement="The demo clones a named journalist's voice.")  # fmt: skip
    receiver.wait_for(lambda d: d.payload["type"] == "enforcement.apply", timeout=10)
    mail = next(m for m in mailoutbox if m.to == ["uma@example.org"])
    notice_path = re.search(r"https?://[^/]+(/notices/\S+/)", mail.body).group(1)
    staff_with_password(appeal_reviewer, "rosa")

    # The uploader follows the link in the e-mail and appeals; no account needed.
    page.goto(notice_path)
    assert page.get_by_text("The demo clones a named journalist's voice.").is_visible()
    page.get_by_label("Why the decision is wrong").fill("I am that journalist; the voice is my own.")
    page.get_by_role("button", name="Send appeal").click()
    assert page.get_by_test_id("appeal-state").inner_text().endswith("Submitted")

    # A reviewer who took no part overturns it from the console.
    sign_in(page, "rosa")
    page.get_by_role("link", name="Appeals").click()
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    page.get_by_label("Overturn it").check()
    page.get_by_label("Reasons").fill("The uploader is the journalist; consent is given.")
    page.get_by_role("button", name="Decide the appeal").click()
    page.get_by_text("overturned").first.wait_for()

    receiver.wait_for(lambda d: d.payload["type"] == "enforcement.revert", timeout=10)
    assert Repository.objects.get(pk=repo.pk).visibility == "listed"
    page.goto(notice_path)
    assert "Overturned" in page.get_by_test_id("appeal-state").inner_text()
    assert page.get_by_text("consent is given").is_visible()
    assert page.get_by_role("button", name="Send appeal").count() == 0
    # No stale promise of a form that is gone: the page says why there is nothing left to appeal.
    how = page.get_by_test_id("how-to-appeal").inner_text()
    assert "with the form below" not in how
    assert "already reversed on appeal" in how
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "notice-overturned.png", full_page=True)
    receiver.stop()


@pytest.mark.django_db(transaction=True)
def test_the_transparency_page_shows_the_figures_as_charts(page):
    from hubmod.seed import seed
    from moderation.services.cases import case_for_report

    seed()
    for category in ("spam", "spam", "copyright", "malicious_code"):
        case_for_report(repository=RepositoryFactory(), account=None, category=category)
    from moderation.models import Case
    from reports.models import Report

    for case in Case.objects.all():
        Report.objects.create(case=case, category=case.category, source="api", subject_type="repository",
                              subject_ref=case.repository.full_name, details={}, receipt_digest="x")  # fmt: skip

    page.goto("/report/")
    page.get_by_role("link", name="Transparency").click()

    page.get_by_role("heading", name="Transparency report").wait_for()
    assert page.get_by_test_id("reports-total").inner_text() == "4"
    chart = page.get_by_role("region", name="Reports by category")
    assert chart.get_by_role("img", name="2 reports").is_visible()
    assert page.get_by_role("link", name="CSV").get_attribute("href").startswith("/transparency/summary.csv")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "transparency.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_requests_changes_before_publication_and_the_uploader_sees_why(page, settings):
    from devtools.hub_receiver import HubReceiver
    from hub.services import repository_sync
    from hubmod.actors import Actor
    from hubmod.seed import seed
    from tests.review.cards import card_without

    seed()
    receiver = HubReceiver(secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=").start()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = receiver.url, receiver.secret
    repository_sync(actor=Actor.hub("test"), owner="lab", name="protein-designer", kind="model", revision="c" * 40,
                    card=card_without("Evaluation"), capability_tags=["bio-design"])  # fmt: skip
    staff_with_password(moderator, "rev")

    sign_in(page, "rev")
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("row", name="pre-publication review").get_by_role("link").click()
    page.get_by_label("Request changes").check()
    page.get_by_label("Reasons").fill("Say how you keep it from designing toxins, and publish your evaluation.")
    page.get_by_label("Evaluation", exact=True).check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("the hub and the uploader are told").wait_for()

    [completed] = receiver.wait_for(lambda d: d.payload["type"] == "review.completed", timeout=10)
    assert completed.payload["outcome"] == "changes_requested"
    page.context.clear_cookies()  # the uploader has no console session
    page.goto(completed.payload["review_url"].removeprefix(settings.BASE_URL))
    assert page.get_by_test_id("review-outcome").inner_text().startswith("Changes requested")
    assert "designing toxins" in page.get_by_test_id("review-reasons").inner_text()
    assert "How the model was tested" in page.get_by_test_id("review-requested").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "review-changes-requested.png", full_page=True)
    receiver.stop()


@pytest.mark.django_db(transaction=True)
def test_a_moderator_finds_the_scanned_case_reads_the_findings_and_marks_a_false_positive(page):
    from hubmod.seed import seed
    from reports.models import Report
    from scanning.services import scan_record
    from tests.conftest import hub_client
    from tests.scanning.test_verdicts import CLEAN_WEIGHTS, DANGEROUS_PICKLE, PICKLESCAN, file, sync

    seed()
    sync(hub_client(), "tiny", [file("pytorch_model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS)])
    scan_record(sha256=CLEAN_WEIGHTS, verdict="clean")
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    case = Report.objects.get(source="automated").case
    staff_with_password(moderator, "mia")

    sign_in(page, "mia")
    page.get_by_role("form", name="Filter the queue").get_by_label("A file scanned").select_option("dangerous")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**scan_verdict=dangerous**")
    rows = page.get_by_role("form", name="Queue").locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=f"#{case.pk}").click()

    files = page.get_by_test_id("scanned-files")
    expect(files.get_by_test_id("revision-verdict")).to_have_text("dangerous")
    expect(files.get_by_text("os.system")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-case-files.png", full_page=True)
    mark = files.get_by_role("form", name="Mark picklescan wrong about pytorch_model.bin")
    mark.get_by_label("Why the finding is wrong").fill("The global is a string in the model card, never called.")
    mark.get_by_role("button", name="Mark as a false positive").click()

    expect(page.get_by_text("its verdict is now clean")).to_be_visible()
    expect(page.get_by_test_id("revision-verdict")).to_have_text("clean")
    expect(page.get_by_text("marked false")).to_be_visible()
