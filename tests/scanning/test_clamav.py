"""ClamAV through clamd: a stand-in clamd on 127.0.0.1 (a real server in a thread) that speaks
clamd's protocol as its man page and source describe it, and knows one signature, EICAR's."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import socketserver
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import RequestFactory
from health_check.views import HealthCheckView

from scanning.analysis import Finding, ScannerResult, analyse, verdict_worst
from scanning.health import ClamdCheck
from tests.scanning import corpus, corpus_text

VERSION_REPLY = "ClamAV 1.4.1/27000/Tue Jan 14 09:24:42 2025"


class FakeClamd:
    """clamd as Cisco-Talos/clamav documents it (docs/man/clamd.8.in) and implements it
    (clamd/session.c, clamd/server-th.c): a command prefixed with z (NUL-terminated) or n
    (newline-terminated), one reply with the same terminator, then the connection closes.
    INSTREAM reads 4-byte big-endian chunk lengths and data until a zero length; a chunk that would
    pass StreamMaxLength is refused at its length, before its data is read."""

    def __init__(self, *, stream_max_length: int = 1024 * 1024, version_reply: str = VERSION_REPLY, unix: str = ""):
        self.stream_max_length, self.version_reply = stream_max_length, version_reply
        self.commands: list[str] = []
        self.streamed: list[bytes] = []
        clamd = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                prefix = self.rfile.read(1)
                if prefix not in (b"z", b"n"):
                    return
                terminator = b"\0" if prefix == b"z" else b"\n"
                command = self._until(terminator).decode()
                clamd.commands.append(command)
                if command == "PING":
                    self._reply("PONG", terminator)
                elif command == "VERSION":
                    self._reply(clamd.version_reply, terminator)
                elif command == "INSTREAM":
                    self._reply(self._instream(), terminator)
                else:
                    self._reply("UNKNOWN COMMAND", terminator)

            def _until(self, terminator: bytes) -> bytes:
                data = b""
                while (byte := self.rfile.read(1)) not in (terminator, b""):
                    data += byte
                return data

            def _instream(self) -> str:
                quota, received = clamd.stream_max_length, b""
                while True:
                    (length,) = struct.unpack(">I", self.rfile.read(4))
                    if length == 0:
                        break
                    if length > quota:
                        return "INSTREAM size limit exceeded. ERROR"
                    quota -= length
                    received += self.rfile.read(length)
                clamd.streamed.append(received)
                return "stream: Eicar-Test-Signature FOUND" if corpus_text.EICAR in received else "stream: OK"

            def _reply(self, text: str, terminator: bytes) -> None:
                self.wfile.write(text.encode() + terminator)

        self._server: socketserver.ThreadingUnixStreamServer | socketserver.ThreadingTCPServer
        if unix:
            self._server = socketserver.ThreadingUnixStreamServer(unix, Session)
            self.address = unix
        else:
            self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
            self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def clamd(settings) -> Iterator[FakeClamd]:
    server = FakeClamd()
    settings.SCAN_CLAMD_ADDRESS = server.address
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clamav(results: list[ScannerResult]) -> ScannerResult:
    [result] = [result for result in results if result.name == "clamav"]
    return result


def _written(name: str, content: bytes, tmp_path: Path) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_eicar_file_is_dangerous_naming_the_signature(clamd: FakeClamd, tmp_path: Path) -> None:
    results = analyse(_written("eicar.com", corpus_text.EICAR, tmp_path))

    assert _clamav(results).as_dict() == {
        "name": "clamav",
        "version": "1.4.1/27000",
        "verdict": "dangerous",
        "findings": [{"kind": "malware", "detail": "Eicar-Test-Signature"}],
    }
    assert clamd.commands == ["VERSION", "INSTREAM"]
    assert clamd.streamed == [corpus_text.EICAR]


def test_a_file_of_any_kind_is_streamed_whole_and_a_clean_one_is_clean(clamd: FakeClamd, tmp_path: Path) -> None:
    """Weights get their header check and ClamAV; a file larger than one chunk arrives whole."""
    weights = corpus.safetensors_valid()
    large = bytes(range(256)) * 1024

    weights_results = analyse(_written("model.safetensors", weights, tmp_path))
    large_results = analyse(_written("blob.bin", large, tmp_path))

    assert [(r.name, r.verdict) for r in weights_results] == [("hubmod-safetensors", "clean"), ("clamav", "clean")]
    assert [(r.name, r.verdict) for r in large_results] == [("hubmod-sniff", "skipped"), ("clamav", "clean")]
    assert _clamav(large_results).findings == ()
    assert clamd.streamed == [weights, large]


def test_a_zip_without_pickles_skipped_by_the_pickle_analysers_is_still_scanned(
    clamd: FakeClamd, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("tools/eicar.com", corpus_text.EICAR)

    results = analyse(_written("tools.zip", buffer.getvalue(), tmp_path))

    assert [(r.name, r.verdict) for r in results] == [("hubmod-sniff", "skipped"), ("clamav", "dangerous")]
    assert verdict_worst([r.verdict for r in results]) == "dangerous"


def test_no_clamd_configured_runs_no_clamav(settings, tmp_path: Path) -> None:
    settings.SCAN_CLAMD_ADDRESS = ""

    results = analyse(_written("eicar.com", corpus_text.EICAR, tmp_path))

    assert "clamav" not in {result.name for result in results}


def test_clamd_down_is_an_error_saying_so_never_clean(settings, closed_port: int, tmp_path: Path) -> None:
    settings.SCAN_CLAMD_ADDRESS = f"127.0.0.1:{closed_port}"

    result = _clamav(analyse(_written("eicar.com", corpus_text.EICAR, tmp_path)))

    assert (result.verdict, result.version, result.findings) == ("error", "unknown", ())
    assert result.error is not None
    assert result.error.startswith(f"cannot connect to clamd at 127.0.0.1:{closed_port}: ")
    assert "refused" in result.error.lower()


def test_a_stream_over_clamds_limit_is_skipped_with_the_size_reason(settings, tmp_path: Path) -> None:
    """clamd refuses at the chunk that passes StreamMaxLength and closes without reading the rest;
    its reply is still read, whether it comes before the next send or after one that fails."""
    server = FakeClamd(stream_max_length=100 * 1024)
    settings.SCAN_CLAMD_ADDRESS = server.address
    try:
        for size in (100 * 1024 + 1, 8 * 1024 * 1024):
            result = _clamav(analyse(_written("big.bin", bytes(size), tmp_path)))

            assert (result.verdict, result.version) == ("skipped", "1.4.1/27000")
            assert result.error.startswith("too large for clamd: over its StreamMaxLength")
        assert server.streamed == []
    finally:
        server.stop()


def test_a_file_at_clamds_limit_is_scanned(settings, tmp_path: Path) -> None:
    server = FakeClamd(stream_max_length=100 * 1024)
    settings.SCAN_CLAMD_ADDRESS = server.address
    try:
        result = _clamav(analyse(_written("exact.bin", bytes(100 * 1024), tmp_path)))
    finally:
        server.stop()

    assert result.verdict == "clean"


def test_the_version_is_engine_and_signature_database(settings, tmp_path: Path) -> None:
    """A new signature database is a new version, so the rescan sweep scans the file again."""
    versions = {}
    for reply in (VERSION_REPLY, "ClamAV 1.4.1/27001/Wed Jan 15 09:24:42 2025", "ClamAV 1.4.1", "COMMAND UNAVAILABLE"):
        server = FakeClamd(version_reply=reply)
        settings.SCAN_CLAMD_ADDRESS = server.address
        try:
            versions[reply] = _clamav(analyse(_written("a.txt", b"hello\n", tmp_path))).version
        finally:
            server.stop()

    assert list(versions.values()) == ["1.4.1/27000", "1.4.1/27001", "1.4.1", "unknown"]


def test_clamd_on_a_unix_socket(settings, tmp_path: Path) -> None:
    server = FakeClamd(unix=str(tmp_path / "clamd.sock"))
    settings.SCAN_CLAMD_ADDRESS = server.address
    try:
        result = _clamav(analyse(_written("eicar.com", corpus_text.EICAR, tmp_path)))
    finally:
        server.stop()

    assert result.findings == (Finding("malware", "Eicar-Test-Signature"),)


def test_an_address_that_is_no_address_is_an_error_saying_so(settings, tmp_path: Path) -> None:
    settings.SCAN_CLAMD_ADDRESS = "clamd.internal"

    result = _clamav(analyse(_written("a.txt", b"hello\n", tmp_path)))

    assert result.verdict == "error"
    assert result.error == (
        "SCAN_CLAMD_ADDRESS 'clamd.internal' is neither host:port nor the absolute path of a socket"
    )


# The health page ---------------------------------------------------------------------------------


def _health(check: ClamdCheck) -> str | None:
    result = asyncio.run(check.get_result())
    return None if result.error is None else str(result.error)


def test_health_passes_when_clamd_answers_ping(clamd: FakeClamd) -> None:
    check = ClamdCheck()

    assert _health(check) is None
    assert repr(check) == f"ClamAV (clamd at {clamd.address})"
    assert clamd.commands == ["PING"]


def test_health_fails_when_clamd_is_down(settings, closed_port: int) -> None:
    settings.SCAN_CLAMD_ADDRESS = f"127.0.0.1:{closed_port}"

    error = _health(ClamdCheck())

    assert error is not None
    assert error.startswith(f"Unavailable: cannot connect to clamd at 127.0.0.1:{closed_port}: ")


def test_health_says_not_configured_when_unset_and_stays_up(settings) -> None:
    settings.SCAN_CLAMD_ADDRESS = ""
    view = HealthCheckView.as_view(checks=["scanning.health.ClamdCheck"])

    response = asyncio.run(view(RequestFactory().get("/health/", {"format": "json"})))

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ClamAV (not configured: SCAN_CLAMD_ADDRESS is unset, files are not scanned for malware)": "OK"
    }
