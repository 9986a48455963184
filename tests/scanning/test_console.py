"""What a moderator sees of scanning in the console: the files and findings on the case page, the
false-positive form, and the queue filtered by verdict."""

import pytest
from django.test import Client

from moderation.models import Case
from reports.models import Report
from scanning.models import FalsePositive, FileScan
from scanning.services import scan_record
from tests.conftest import api_for
from tests.factories import UserFactory, moderator
from tests.scanning.test_verdicts import CLEAN_WEIGHTS, DANGEROUS_PICKLE, PICKLESCAN, file, sync

SUSPICIOUS_TEXT = "d" * 64
FICKLING_SUSPICIOUS = {"name": "fickling", "version": "0.1.12", "verdict": "suspicious",
                       "findings": [{"kind": "pickle_import", "detail": "collections.OrderedDict"}]}  # fmt: skip


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scanned_case(seeded, hub_api):
    """A case opened by a dangerous pickle, on a repository with a clean and a skipped file too."""
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS),
                           file("README.md", "c" * 64, url=False)])  # fmt: skip
    scan_record(sha256=CLEAN_WEIGHTS, verdict="clean")
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    return Report.objects.get(source=Report.Source.AUTOMATED).case


@pytest.mark.django_db
def test_the_case_page_shows_the_files_their_verdicts_and_the_findings_reported_first(scanned_case):
    page = signed_in(moderator()).get(f"/console/cases/{scanned_case.pk}/").content.decode()

    files = page[page.index('data-testid="scanned-files"') :]
    assert 'data-testid="revision-verdict">dangerous<' in files
    # Reported first, then worst first: skipped (never fetched) before clean.
    assert files.index("model.bin") < files.index("README.md") < files.index("w.safetensors")
    assert "<strong>reported</strong>" in files
    assert "picklescan 1.0.5: dangerous" in files
    assert "<code>os.system</code> in <code>archive/data.pkl</code>" in files
    assert "Mark as a false positive" in files


@pytest.mark.django_db
def test_a_moderator_marks_a_false_positive_from_the_case_and_the_page_says_what_changed(scanned_case):
    client = signed_in(moderator())
    body = {"scanner": "picklescan", "case_id": scanned_case.pk, "reason": "The global is never called."}

    response = client.post(f"/console/files/{DANGEROUS_PICKLE}/false-positive", body, follow=True)

    assert response.redirect_chain[-1][0] == f"/console/cases/{scanned_case.pk}/"
    page = response.content.decode()
    assert "its verdict is now clean" in page
    assert "marked false" in page
    assert FileScan.objects.get(sha256=DANGEROUS_PICKLE).verdict == "clean"
    assert Case.objects.get(pk=scanned_case.pk).state == "open"


@pytest.mark.django_db
def test_a_false_positive_without_a_reason_or_for_a_scanner_that_found_nothing_is_refused_saying_why(scanned_case):
    client = signed_in(moderator())
    url = f"/console/files/{DANGEROUS_PICKLE}/false-positive"

    no_reason = client.post(url, {"scanner": "picklescan", "case_id": scanned_case.pk, "reason": ""})
    assert no_reason.status_code == 400
    assert "Why the finding is wrong: This field is required." in no_reason.content.decode()

    wrong_scanner = client.post(url, {"scanner": "clamav", "case_id": scanned_case.pk, "reason": "x"})
    assert wrong_scanner.status_code == 400
    assert "No scanner named" in wrong_scanner.content.decode()

    unknown = client.post(f"/console/files/{'e' * 64}/false-positive", {"scanner": "picklescan",
                          "case_id": scanned_case.pk, "reason": "x"})  # fmt: skip
    assert unknown.status_code == 404
    assert not FalsePositive.objects.exists()


@pytest.mark.django_db
def test_only_a_moderator_marks_a_false_positive(scanned_case):
    body = {"scanner": "picklescan", "case_id": scanned_case.pk, "reason": "Checked."}
    url = f"/console/files/{DANGEROUS_PICKLE}/false-positive"
    assert Client().post(url, body).status_code == 302  # to sign in
    assert signed_in(UserFactory()).post(url, body).status_code == 302
    assert not FalsePositive.objects.exists()


@pytest.mark.django_db
def test_the_queue_and_its_api_filter_by_a_files_scan_verdict(scanned_case, hub_api):
    from hub.models import Repository
    from moderation.services.cases import case_for_report

    sync(hub_api, "other", [file("notes.bin", SUSPICIOUS_TEXT)])
    scan_record(sha256=SUSPICIOUS_TEXT, verdict="suspicious", scanners=[FICKLING_SUSPICIOUS])
    suspicious_case = case_for_report(repository=Repository.objects.get(name="other"), account=None,
                                      category="other").case  # fmt: skip
    mia = moderator()

    page = signed_in(mia).get("/console/?scan_verdict=dangerous").content.decode()
    assert f"#{scanned_case.pk}<" in page
    assert f"#{suspicious_case.pk}<" not in page

    api = api_for(mia)
    listed = api.get("/api/v1/cases", {"scan_verdict": "suspicious"}).json()["results"]
    assert [c["id"] for c in listed] == [suspicious_case.pk]
    refused = api.get("/api/v1/cases", {"scan_verdict": "evil"})
    assert refused.status_code == 400
    assert "scan_verdict" in str(refused.json())


@pytest.mark.django_db
def test_a_repository_with_thousands_of_files_lists_those_that_matter_and_counts_the_rest(seeded, hub_api):
    from scanning.selectors import CASE_FILES_SHOWN

    clean = [file(f"shard-{i:05}.safetensors", f"{i:064x}") for i in range(CASE_FILES_SHOWN + 300)]
    sync(hub_api, "big", [file("zz-model.bin", DANGEROUS_PICKLE), *clean])
    for f in clean:
        FileScan.objects.filter(sha256=f["sha256"]).update(verdict="clean")
    from hub.models import RepositoryFile

    RepositoryFile.objects.exclude(sha256=DANGEROUS_PICKLE).update(scan_verdict="clean")
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    case = Report.objects.get(source=Report.Source.AUTOMATED).case

    page = signed_in(moderator()).get(f"/console/cases/{case.pk}/").content.decode()
    assert page.count('data-testid="file-row"') == 1 + CASE_FILES_SHOWN
    assert page.index("zz-model.bin") < page.index("shard-00000")
    assert "300 more file(s)" in page
