"""In a real browser: the case page of a repository that moved on since it was reported shows the
card at the reported revision, the files with their scan verdicts, what changed to the head (files
and the card's lines) and the lineage; the screenshot is kept as a test artifact (issue 21)."""

import pytest
from playwright.sync_api import expect

from hub.models import Repository
from tests.conftest import hub_client
from tests.e2e.test_browser import ARTIFACTS, sign_in, staff_with_password
from tests.factories import moderator
from tests.flows import file

pytestmark = pytest.mark.browser

R1, R2 = "0a1b2c3d", "4e5f6a7b"
CARD_R1 = """# Tiny model

A 7B model fine-tuned from `acme/base` for support chats.

## Intended use
- Answering questions about our products
- Drafting replies for a human to check

| split | rows |
|---|---|
| train | 120,000 |
| eval | 5,000 |
"""
CARD_R2 = CARD_R1.replace("for a human to check", "and sending them unchecked") + "\n## Limits\nNone known.\n"


def entry(path: str, digit: str, size: int) -> dict:
    # A url makes the sync ask for a scan; no worker runs here, scan_record stands for its verdict.
    return {"path": path, "sha256": digit * 64, "size": size, "url": f"https://files.example/{path}"}


def sync(name: str, **body) -> None:
    answer = hub_client().put(f"/api/v1/hub/repositories/acme/{name}", {"kind": "model", **body}, format="json")
    assert answer.status_code in (200, 201), answer.content


@pytest.mark.django_db(transaction=True)
def test_the_case_page_shows_the_card_the_files_with_verdicts_the_diff_and_the_lineage(page):
    from hubmod.seed import seed
    from scanning.services import scan_record

    seed()
    sync("base")
    sync("tiny", revision=R1, card=CARD_R1, base_models=[{"repo_id": "acme/base", "relation": "finetune"}],
         files=[entry("model.safetensors", "a", 14_000_000_000), entry("config.json", "b", 700),
                entry("tokenizer.json", "c", 2_100_000)])  # fmt: skip
    sync("tiny-gguf", base_models=[{"repo_id": "acme/tiny", "relation": "quantized"}])
    case_id = file(Repository.objects.get(full_name="acme/tiny"), "other", revision=R1)["case_id"]
    # The head moved on: weights replaced, a pickle added, the config gone, the card edited.
    sync("tiny", revision=R2, card=CARD_R2,
         files=[entry("model.safetensors", "d", 14_000_000_000), entry("tokenizer.json", "c", 2_100_000),
                entry("extra/handler.pkl", "e", 4_096)])  # fmt: skip
    scan_record(sha256="d" * 64, verdict="clean")
    scan_record(sha256="e" * 64, verdict="dangerous", scanners=[{
        "name": "picklescan", "version": "1.0.5", "verdict": "dangerous",
        "findings": [{"kind": "pickle_global", "detail": "os.system", "member": ""}]}])  # fmt: skip
    staff_with_password(moderator, "mia")

    sign_in(page, "mia")
    page.goto(f"/console/cases/{case_id}/")

    card = page.get_by_test_id("card")
    expect(card.get_by_role("heading", name="Intended use")).to_be_visible()
    expect(card.get_by_text("Drafting replies for a human to check")).to_be_visible()  # the reported revision's
    diff = page.get_by_test_id("diff-files")
    expect(diff.locator("tr.added")).to_contain_text("extra/handler.pkl")
    expect(diff.locator("tr.removed")).to_contain_text("config.json")
    expect(diff.locator("tr.changed-file")).to_contain_text("model.safetensors")
    card_diff = page.get_by_test_id("card-diff")
    expect(card_diff.locator("ins").filter(has_text="sending them unchecked")).to_be_visible()
    expect(card_diff.locator("del").filter(has_text="for a human to check")).to_be_visible()
    files = page.get_by_test_id("scanned-files")
    expect(files.get_by_test_id("revision-verdict")).to_have_text("dangerous")
    expect(files.get_by_text("os.system")).to_be_visible()
    expect(page.get_by_test_id("lineage-ancestors")).to_contain_text("acme/base")
    expect(page.get_by_test_id("lineage-descendants")).to_contain_text("acme/tiny-gguf")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "console-case-subject.png", full_page=True)
