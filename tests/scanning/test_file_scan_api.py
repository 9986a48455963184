"""`GET /api/v1/files/{sha256}/scan`: the public verdict on a file's contents (API.md)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from scanning.models import FileScan

SHA = "d" * 64


def sync(hub_api, files):
    hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "files": files}, format="json")


@pytest.mark.django_db
def test_a_scanned_file_shows_each_scanners_verdict_and_findings_to_anyone():
    at = timezone.now()
    finding = {"kind": "pickle_global", "detail": "os.system", "member": "archive/data.pkl"}
    FileScan.objects.create(sha256=SHA, verdict="dangerous", scanned_at=at,
                            scanners=[{"name": "picklescan", "version": "1.0.5", "verdict": "dangerous",
                                       "findings": [finding]}])  # fmt: skip

    answer = APIClient().get(f"/api/v1/files/{SHA}/scan")

    assert answer.status_code == 200
    assert answer.json() == {
        "sha256": SHA,
        "verdict": "dangerous",
        "reason": "",
        "scanners": [{"name": "picklescan", "version": "1.0.5", "verdict": "dangerous", "findings": [finding]}],
        "scanned_at": at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.django_db
def test_a_file_the_hub_named_is_pending_until_scanned_or_skipped_without_a_url(hub_api):
    sync(hub_api, [{"path": "model.bin", "sha256": SHA, "size": 9, "url": "https://files.example/model.bin"},
                   {"path": "README.md", "sha256": "e" * 64, "size": 3}])  # fmt: skip

    pending = APIClient().get(f"/api/v1/files/{SHA}/scan").json()
    skipped = APIClient().get(f"/api/v1/files/{'e' * 64}/scan").json()

    assert (pending["verdict"], pending["scanners"], pending["scanned_at"]) == ("pending", [], None)
    assert (skipped["verdict"], skipped["reason"]) == ("skipped", "The hub gave no url to fetch it from.")


@pytest.mark.django_db
@pytest.mark.parametrize("digest", ["f" * 64, "F" * 64, "abc", "../../etc/passwd", "d" * 65])
def test_a_digest_hubmod_was_never_told_about_is_not_found(digest):
    assert APIClient().get(f"/api/v1/files/{digest}/scan").status_code == 404
