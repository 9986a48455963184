"""What a verdict does: content-addressed, reported when dangerous, told to the hub once per revision."""

import pytest

from hub.models import HubEvent, Repository
from moderation.models import Case
from reports.models import Report
from scanning.models import FileScan
from scanning.services import scan_record, scans_request

DANGEROUS_PICKLE = "a" * 64
CLEAN_WEIGHTS = "b" * 64
PICKLESCAN = {"name": "picklescan", "version": "1.0.5", "verdict": "dangerous",
              "findings": [{"kind": "pickle_global", "detail": "os.system", "member": "archive/data.pkl"}]}  # fmt: skip


def sync(hub_api, name, files, revision="0123abcd"):
    body = {"kind": "model", "revision": revision, "files": files}
    assert hub_api.put(f"/api/v1/hub/repositories/acme/{name}", body, format="json").status_code in (200, 201)


def file(path, sha256, url=True):
    return {"path": path, "sha256": sha256, "size": 10, **({"url": f"https://files.example/{path}"} if url else {})}


@pytest.mark.django_db
def test_a_sync_asks_for_one_scan_per_new_content_with_a_url(hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("weights.safetensors", CLEAN_WEIGHTS),
                           file("README.md", "c" * 64, url=False)])  # fmt: skip
    sync(hub_api, "copy", [file("model.bin", DANGEROUS_PICKLE)])

    assert sorted(FileScan.objects.values_list("sha256", "verdict")) == [
        (DANGEROUS_PICKLE, "pending"),
        (CLEAN_WEIGHTS, "pending"),
    ]
    # The copy's bytes were asked for under the first repository: asking again queues nothing.
    assert scans_request(repository=Repository.objects.get(name="copy")) == []


@pytest.mark.django_db
def test_a_dangerous_file_opens_an_automated_report_on_every_repository_carrying_it(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS)])
    sync(hub_api, "copy", [file("pytorch_model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=CLEAN_WEIGHTS, verdict="clean")
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])  # a rescan files nothing twice

    reports = Report.objects.filter(source=Report.Source.AUTOMATED).order_by("path")
    assert [(r.case.repository.full_name, r.path, r.category) for r in reports] == [
        ("acme/tiny", "model.bin", "malicious_code"),
        ("acme/copy", "pytorch_model.bin", "malicious_code"),
    ]
    assert "os.system in archive/data.pkl" in reports[0].details["behaviour"]
    assert "picklescan 1.0.5" in reports[0].details["behaviour"]
    assert Case.objects.filter(category="malicious_code").count() == 2


@pytest.mark.django_db
def test_the_hub_hears_a_revisions_verdict_once_every_file_has_one(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS)])
    scan_record(sha256=CLEAN_WEIGHTS, verdict="clean")
    assert not HubEvent.objects.filter(type="scan.completed").exists()  # one file still pending
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS)])

    [event] = HubEvent.objects.filter(type="scan.completed")
    assert event.payload["subject"] == {"type": "repository", "id": "acme/tiny"}
    assert event.payload["revision"] == "0123abcd"
    assert event.payload["verdict"] == "dangerous"
    assert event.payload["files"] == [
        {"path": "model.bin", "sha256": DANGEROUS_PICKLE, "verdict": "dangerous"},
        {"path": "w.safetensors", "sha256": CLEAN_WEIGHTS, "verdict": "clean"},
    ]


@pytest.mark.django_db
def test_bytes_scanned_before_act_at_once_under_a_new_repository(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    sync(hub_api, "later", [file("model.bin", DANGEROUS_PICKLE)])

    later = Report.objects.filter(case__repository__name="later", source=Report.Source.AUTOMATED)
    assert later.count() == 1
    assert HubEvent.objects.filter(type="scan.completed", repository__name="later").count() == 1
    assert FileScan.objects.get(sha256=DANGEROUS_PICKLE).attempts == 1  # not scanned again


@pytest.mark.django_db
def test_a_repository_scanning_nothing_tells_the_hub_nothing(hub_api):
    sync(hub_api, "tiny", [file("README.md", "c" * 64, url=False)])

    assert not FileScan.objects.exists()
    assert not HubEvent.objects.filter(type="scan.completed").exists()
