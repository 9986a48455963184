"""The SSRF-safe fetcher against a real HTTP server on loopback.

Only name resolution is faked (socket.getaddrinfo: the outside world); every request the fetcher
makes goes to the test's own server, or to a loopback address nothing listens on. No test ever
makes the fetcher connect to a private or public address: those cases are refused before any
connection, which is what they show.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scanning.fetch import Fetched, allowed_hosts_parse, fetch

GOOD = b"tensor bytes, nothing else\n"
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()
BIG = b"x" * 4096


@dataclass
class Seen:
    path: str
    host: str


@dataclass
class FileServer:
    """Serves a few fixed routes and records every request it gets."""

    address: str = "127.0.0.1"
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        server_class = type(
            "Server", (ThreadingHTTPServer,), {"address_family": socket.getaddrinfo(self.address, 0)[0][0]}
        )
        self._server = server_class((self.address, 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def netloc(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    def stop(self) -> None:
        self.release.set()  # lets hanging handlers end
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.seen.append(Seen(self.path, self.headers.get("host", "")))
                route = self.path.split("?")[0]
                if route == "/good":
                    self._send(200, GOOD)
                elif route.startswith("/chain/"):
                    # /chain/N: N redirects (relative ones), then the good file.
                    left = int(route.removeprefix("/chain/"))
                    self._redirect(f"/chain/{left - 1}" if left > 1 else "/good")
                elif route.startswith("/slow-chain/"):
                    time.sleep(0.2)
                    left = int(route.removeprefix("/slow-chain/"))
                    self._redirect(f"/slow-chain/{left - 1}" if left > 1 else "/good")
                elif route == "/to-evil":
                    self._redirect("http://evil.example/model.bin")
                elif route == "/to-file":
                    self._redirect("file:///etc/passwd")
                elif route == "/to-metadata":
                    self._redirect("http://169.254.169.254/latest/meta-data/")
                elif route == "/big-announced":
                    self._send(200, BIG)
                elif route == "/big-streamed":
                    # No Content-Length: the body ends when the connection closes, so only the
                    # bytes themselves can tell the fetcher it is too large.
                    self.send_response(200)
                    self.send_header("connection", "close")
                    self.end_headers()
                    for _ in range(64):
                        self.wfile.write(BIG)
                    self.close_connection = True
                elif route == "/hang":
                    server.release.wait(30)
                elif route == "/hang-mid-body":
                    self.send_response(200)
                    self.send_header("content-length", str(len(GOOD)))
                    self.end_headers()
                    self.wfile.write(GOOD[:5])
                    self.wfile.flush()
                    server.release.wait(30)
                else:
                    self._send(404, b"")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("location", location)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[FileServer]:
    file_server = FileServer()
    yield file_server
    file_server.stop()


@pytest.fixture
def allow(settings, server):
    """The file server's own address is listed, with short limits so the timeouts end quickly."""
    settings.SCAN_FETCH_ALLOWED_HOSTS = [server.netloc]
    settings.SCAN_MAX_FILE_BYTES = 1024
    settings.SCAN_FETCH_TIMEOUT_SECONDS = 0.5
    settings.SCAN_FETCH_CONNECT_TIMEOUT_SECONDS = 0.5
    settings.SCAN_FETCH_READ_TIMEOUT_SECONDS = 0.5
    return settings


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[list[str]]]:
    """Names the test resolves, to one list of addresses per call (the last one stays); every other
    host (the IP literals httpx connects to) resolves as usual."""
    answers: dict[str, list[list[str]]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            addresses = answers[host][0] if len(answers[host]) == 1 else answers[host].pop(0)
            family = {4: socket.AF_INET, 6: socket.AF_INET6}
            return [
                (
                    family[6 if ":" in a else 4],
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port) if ":" not in a else (a, port, 0, 0),
                )
                for a in addresses
            ]
        if isinstance(host, str) and host.endswith(".example"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def fetch_into(tmp_path: Path, url: str, *, sha256: str = GOOD_SHA, size: int | None = len(GOOD)) -> Fetched:
    return fetch(url, expected_sha256=sha256, expected_size=size, into=tmp_path)


def test_a_good_file_is_fetched_with_its_digest_checked(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/good"))

    assert result == Fetched(result.path, "fetched", f"fetched {len(GOOD)} bytes from 127.0.0.1:{server.port}")
    assert result.path is not None
    assert result.path.parent == tmp_path
    assert result.path.read_bytes() == GOOD
    assert [s.path for s in server.seen] == ["/good"]


def test_a_listed_name_is_fetched_from_the_address_it_was_checked_at(allow, server, dns, tmp_path):
    """The name resolves once: a second answer (a rebinding) would lead nowhere, and is never asked."""
    allow.SCAN_FETCH_ALLOWED_HOSTS = [f"files.example:{server.port}", server.netloc]
    dns["files.example"] = [["127.0.0.1"], ["127.0.0.2"]]  # nothing listens on 127.0.0.2

    result = fetch_into(tmp_path, f"http://files.example:{server.port}/good")

    assert (result.status, result.reason) == ("fetched", f"fetched {len(GOOD)} bytes from files.example:{server.port}")
    assert dns["files.example"] == [["127.0.0.2"]]  # asked exactly once
    assert [(s.path, s.host) for s in server.seen] == [("/good", f"files.example:{server.port}")]


def test_a_redirect_chain_of_three_is_followed(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/chain/3"))

    assert result.status == "fetched"
    assert [s.path for s in server.seen] == ["/chain/3", "/chain/2", "/chain/1", "/good"]


def test_a_redirect_chain_of_four_is_refused(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/chain/4"))

    assert result == Fetched(None, "error", "too many redirects: more than 3")
    assert [s.path for s in server.seen] == ["/chain/4", "/chain/3", "/chain/2", "/chain/1"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/to-evil", "redirect refused: host not allowed: evil.example:80"),
        ("/to-file", "redirect refused: scheme not allowed: file (only http and https)"),
        ("/to-metadata", "redirect refused: host not allowed: 169.254.169.254:80"),
    ],
)
def test_a_redirect_is_checked_like_the_first_url(allow, server, tmp_path, route, reason):
    result = fetch_into(tmp_path, server.url(route))

    assert result == Fetched(None, "error", reason)
    assert [s.path for s in server.seen] == [route]


def test_a_redirect_to_a_listed_name_on_a_private_address_is_refused(allow, server, dns, tmp_path):
    allow.SCAN_FETCH_ALLOWED_HOSTS = [server.netloc, "evil.example"]
    dns["evil.example"] = [["10.0.0.5"]]

    result = fetch_into(tmp_path, server.url("/to-evil"))

    assert result == Fetched(
        None,
        "error",
        "redirect refused: private address: evil.example resolves to 10.0.0.5, which is not listed in "
        "SCAN_FETCH_ALLOWED_HOSTS",
    )


# Refused before any request: the URL, the list or the resolved address says no.
REFUSALS = [
    ("http://evil.example/model.bin", "host not allowed: evil.example:80"),
    ("http://127.0.0.1:{other}/good", "host not allowed: 127.0.0.1:{other}"),
    ("http://127.0.0.1/good", "host not allowed: 127.0.0.1:80"),
    ("http://localhost:{port}/good", "host not allowed: localhost:{port}"),
    ("http://[::1]:{port}/good", "host not allowed: [::1]:{port}"),
    ("http://[::ffff:127.0.0.1]:{port}/good", "host not allowed: [::ffff:127.0.0.1]:{port}"),
    ("http://user:secret@127.0.0.1:{port}/good", "user name or password in the URL"),
    ("http://user@127.0.0.1:{port}/good", "user name or password in the URL"),
    ("file:///etc/passwd", "scheme not allowed: file (only http and https)"),
    ("ftp://127.0.0.1:{port}/good", "scheme not allowed: ftp (only http and https)"),
    ("gopher://127.0.0.1:{port}/good", "scheme not allowed: gopher (only http and https)"),
    ("/good", "scheme not allowed: none (only http and https)"),
    ("http:///good", "invalid URL: no host"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSALS)
def test_a_url_that_is_not_allowed_is_refused_without_a_request(allow, server, dns, tmp_path, url, reason):
    other = server.port + 1 if server.port < 65535 else server.port - 1
    result = fetch_into(tmp_path, url.format(port=server.port, other=other))

    assert result == Fetched(None, "error", reason.format(port=server.port, other=other))
    assert server.seen == []


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.5"],
        ["192.168.1.20"],
        ["172.16.0.1"],
        ["127.0.0.1"],
        ["::1"],
        ["169.254.169.254"],  # a cloud's metadata service
        ["fe80::1"],
        ["fc00::5"],
        ["0.0.0.0"],  # noqa: S104 - an answer to refuse, never bound
        ["224.0.0.1"],
        ["240.0.0.1"],
        ["100.64.0.1"],  # carrier-grade NAT: not private to Python, not public either
        ["::ffff:10.0.0.5"],  # IPv4-mapped
        ["2002:a00:5::1"],  # 6to4 around 10.0.0.5
        ["64:ff9b::a00:5"],  # NAT64 around 10.0.0.5
        ["93.184.215.14", "10.0.0.5"],  # every address counts, not only the first
    ],
)
def test_a_listed_name_resolving_to_a_private_address_is_refused(allow, server, dns, tmp_path, addresses):
    allow.SCAN_FETCH_ALLOWED_HOSTS = ["files.example"]
    dns["files.example"] = [addresses]
    shown = ipaddress.ip_address(addresses[-1])  # the private one; Python's spelling of it

    result = fetch_into(tmp_path, "http://files.example/model.bin")

    assert result == Fetched(
        None,
        "error",
        f"private address: files.example resolves to {shown}, which is not listed in SCAN_FETCH_ALLOWED_HOSTS",
    )


def test_a_name_that_does_not_resolve_is_an_error(allow, dns, tmp_path):
    allow.SCAN_FETCH_ALLOWED_HOSTS = ["gone.example"]

    assert fetch_into(tmp_path, "http://gone.example/x") == Fetched(None, "error", "could not resolve gone.example")


def test_ipv6_loopback_is_fetched_only_when_listed(settings, tmp_path):
    """`[::1]` is refused when only the name it stands for is listed, and fetched when it is listed itself."""
    v6 = FileServer(address="::1")
    try:
        settings.SCAN_FETCH_ALLOWED_HOSTS = f"localhost:{v6.port}"
        refused = fetch_into(tmp_path, v6.url("/good"))
        settings.SCAN_FETCH_ALLOWED_HOSTS = f"127.0.0.1:{v6.port}, [::1]:{v6.port}"
        fetched = fetch_into(tmp_path, v6.url("/good"))
    finally:
        v6.stop()

    assert refused == Fetched(None, "error", f"host not allowed: [::1]:{v6.port}")
    assert (fetched.status, fetched.reason) == ("fetched", f"fetched {len(GOOD)} bytes from [::1]:{v6.port}")
    assert [s.path for s in v6.seen] == ["/good"]


def test_a_listed_loopback_name_needs_its_address_listed_too(allow, server, tmp_path):
    allow.SCAN_FETCH_ALLOWED_HOSTS = [f"localhost:{server.port}"]

    result = fetch_into(tmp_path, f"http://localhost:{server.port}/good")

    assert result.status == "error"
    assert result.reason.startswith("private address: localhost resolves to ")
    assert server.seen == []


def test_a_file_declared_over_the_cap_is_skipped_without_a_request(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/good"), size=1025)

    assert result == Fetched(None, "skipped", "too large: the hub declared 1,025 bytes, over the 1,024-byte limit")
    assert server.seen == []


def test_a_body_announced_over_the_cap_is_skipped_unread(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/big-announced"), size=None)

    assert result == Fetched(None, "skipped", "too large: the server announced 4,096 bytes, over the 1,024-byte limit")
    assert list(tmp_path.iterdir()) == []


def test_a_body_that_grows_over_the_cap_is_cut_and_skipped(allow, server, tmp_path):
    result = fetch_into(tmp_path, server.url("/big-streamed"), size=None)

    assert result == Fetched(None, "skipped", "too large: the body passed the 1,024-byte limit")
    assert list(tmp_path.iterdir()) == []


def test_a_body_longer_than_the_hub_declared_is_cut(allow, server, tmp_path):
    allow.SCAN_MAX_FILE_BYTES = 8192
    result = fetch_into(tmp_path, server.url("/big-announced"), size=100)

    assert result == Fetched(None, "error", "digest mismatch: the server sent more than the 100 bytes the hub declared")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("route", ["/hang", "/hang-mid-body"])
def test_a_server_that_hangs_times_out(allow, server, tmp_path, route):
    started = time.monotonic()
    result = fetch_into(tmp_path, server.url(route))

    assert result == Fetched(None, "error", "timed out: no complete file within 0.5 s")
    assert time.monotonic() - started < 2.0
    assert list(tmp_path.iterdir()) == []


def test_the_time_cap_covers_the_whole_redirect_chain(allow, server, tmp_path):
    """Each hop answers within the read timeout, yet the chain as a whole is over the total."""
    started = time.monotonic()
    result = fetch_into(tmp_path, server.url("/slow-chain/3"))

    assert result == Fetched(None, "error", "timed out: no complete file within 0.5 s")
    assert time.monotonic() - started < 1.5
    # Two hops fit in the total; the third (if it started at all) did not get to the file.
    assert [s.path for s in server.seen][:2] == ["/slow-chain/3", "/slow-chain/2"]
    assert "/good" not in [s.path for s in server.seen]


def test_a_digest_that_does_not_match_removes_the_file(allow, server, tmp_path):
    wrong = hashlib.sha256(b"what the hub says it has").hexdigest()

    result = fetch_into(tmp_path, server.url("/good"), sha256=wrong)

    assert result == Fetched(
        None,
        "error",
        f"digest mismatch: the hub declared sha256 {wrong}, the {len(GOOD)} bytes served have {GOOD_SHA}",
    )
    assert list(tmp_path.iterdir()) == []


def test_an_error_status_is_reported(allow, server, tmp_path):
    assert fetch_into(tmp_path, server.url("/missing")) == Fetched(None, "error", "server answered 404 Not Found")


def test_a_server_that_is_down_is_an_error(allow, server, tmp_path):
    server.stop()

    result = fetch_into(tmp_path, server.url("/good"))

    assert result.status == "error"
    assert result.reason.startswith(f"connection failed: 127.0.0.1:{server.port}: ")


@pytest.mark.parametrize("value", [None, "", [], " , "])
def test_nothing_is_fetched_when_no_host_is_listed(allow, server, tmp_path, value):
    allow.SCAN_FETCH_ALLOWED_HOSTS = value

    result = fetch_into(tmp_path, server.url("/good"))

    assert result == Fetched(None, "skipped", "fetching is off: SCAN_FETCH_ALLOWED_HOSTS lists no host")
    assert server.seen == []


def test_a_malformed_list_fetches_nothing_and_says_why(allow, server, tmp_path):
    allow.SCAN_FETCH_ALLOWED_HOSTS = f"{server.netloc},files.example:http"

    result = fetch_into(tmp_path, server.url("/good"))

    assert result == Fetched(
        None, "error", "fetching is off: SCAN_FETCH_ALLOWED_HOSTS: 'files.example:http' has no valid port"
    )
    assert server.seen == []


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("files.example", {("files.example", None)}),
        ("Files.Example.:8443", {("files.example", 8443)}),
        ("127.0.0.1:8123, [::1]:8123", {("127.0.0.1", 8123), ("::1", 8123)}),
        ("[0:0::1]", {("::1", None)}),
        ("::1", {("::1", None)}),
        (["a.example", "b.example:81"], {("a.example", None), ("b.example", 81)}),
    ],
)
def test_allowed_hosts_parse(value, parsed):
    assert allowed_hosts_parse(value) == parsed


@pytest.mark.parametrize("value", ["files.example:0", "files.example:65536", "[::1", "[::1]x", ":80"])
def test_allowed_hosts_parse_refuses_malformed_entries(value):
    with pytest.raises(ValueError, match="SCAN_FETCH_ALLOWED_HOSTS"):
        allowed_hosts_parse(value)


def _self_signed_for(name: str, directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def test_https_is_pinned_to_the_checked_address_and_verified_against_the_name(allow, server, dns, tmp_path):
    """The TLS server at the checked address is asked for the URL's name (SNI), and its certificate,
    which no authority signed, is refused: pinning the address never turns verification off."""
    cert_file, key_file = _self_signed_for("files.example", tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    asked_for: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: asked_for.append(name)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_one() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(ssl.SSLError, OSError):
            context.wrap_socket(connection, server_side=True).recv(1)

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    allow.SCAN_FETCH_ALLOWED_HOSTS = [f"files.example:{port}", f"127.0.0.1:{port}"]
    dns["files.example"] = [["127.0.0.1"], ["127.0.0.2"]]  # a second answer would lead nowhere
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    result = fetch(f"https://files.example:{port}/good", expected_sha256=GOOD_SHA, expected_size=None, into=downloads)
    thread.join(5)
    listener.close()

    assert result.status == "error"
    assert result.reason.startswith(f"connection failed: files.example:{port}: [SSL: CERTIFICATE_VERIFY_FAILED]")
    assert asked_for == ["files.example"]
    assert list(downloads.iterdir()) == []


@pytest.mark.parametrize("digest", ["", "abc", "../../" + "0" * 58, GOOD_SHA[:-1] + "g"])
def test_a_digest_that_is_not_a_sha256_fetches_nothing(allow, server, tmp_path, digest):
    result = fetch_into(tmp_path, server.url("/good"), sha256=digest)

    assert result == Fetched(None, "error", "invalid digest: the hub's sha256 is not 64 hexadecimal digits")
    assert server.seen == []
