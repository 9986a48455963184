"""Download one file the hub names by `url`, without letting that URL reach anything else.

A file's URL comes from the hub's sync, and through the hub from whoever pushed the repository:
treat it as hostile. `fetch()` downloads only from the hosts the operator lists in
SCAN_FETCH_ALLOWED_HOSTS and never lets a URL, a redirect or a DNS answer steer the worker at an
address inside our own network (server-side request forgery).

The rules, applied to the first URL and to every redirect alike:

- Scheme http or https only; no user name or password in the URL.
- `host[:port]` must be listed. An entry without a port allows the scheme's default port only (80
  for http, 443 for https); names match case-insensitively and without a trailing dot; an IPv6
  address is listed in brackets (`[::1]:8123`). Unset or empty: nothing is fetched at all.
- The host is resolved once (getaddrinfo, every address). Every address must be public, or be
  listed itself: an address that is loopback, private, link-local, multicast, reserved,
  unspecified or otherwise not globally routable (also when carried inside an IPv6 address:
  IPv4-mapped, 6to4, Teredo, NAT64) is allowed only when that very address is an entry of the
  list, with the port rule above. So a listed `127.0.0.1:8123` may be fetched; a listed
  `files.example:8123` that resolves to 10.0.0.5 is refused unless `10.0.0.5:8123` is listed as
  well; listing a name never vouches for the addresses it resolves to.
- The connection is pinned to the address that was checked: the request goes to the IP itself,
  with the name in the Host header and, for https, as the TLS server name (SNI) the certificate is
  verified against (httpcore's `sni_hostname` request extension). Nothing resolves the name a
  second time, so a DNS answer that changes between check and connect (rebinding) changes nothing.
  Each hop gets a client of its own, so no pooled connection made for one name serves another;
  proxies from the environment are ignored (they would connect elsewhere).
- Redirects are followed here, at most MAX_REDIRECTS, each checked as above.

Limits: a file the hub declared larger than SCAN_MAX_FILE_BYTES is skipped without any request; a
body that grows past it (or past the size the hub declared) is cut. SCAN_FETCH_TIMEOUT_SECONDS
caps the whole fetch, redirects included: it is checked after every read, and no connect (at most
SCAN_FETCH_CONNECT_TIMEOUT_SECONDS) or read (at most SCAN_FETCH_READ_TIMEOUT_SECONDS) waits past
the time left when its request started, so a fetch ends within the total plus one read timeout.
Name resolution uses the system resolver's own timeouts.

`fetch()` never raises for what the network or the server does: it returns a `Fetched` whose
reason starts with a fixed phrase a caller may match and a moderator can read ("fetched",
"fetching is off", "too large", "scheme not allowed", "user name or password in the URL",
"host not allowed", "private address", "could not resolve", "redirect refused", "too many
redirects", "server answered", "timed out", "connection failed", "digest mismatch", "invalid URL", "invalid digest").
A file it returns has exactly the hub's sha256; anything else it wrote is deleted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import os
import socket
import ssl
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from django.conf import settings

MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_BYTES = 1024 * 1024

FetchStatus = Literal["fetched", "error", "skipped"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A listed entry: a lower-case name or a normalised IP literal, and its port (None: the default).
AllowedHost = tuple[str, int | None]


@dataclass(frozen=True)
class Fetched:
    """The outcome of one fetch: the file (only when status is "fetched") and why."""

    path: Path | None
    status: FetchStatus
    reason: str


class Refused(Exception):
    """A URL this module will not fetch; the message is the moderator-facing reason."""


def allowed_hosts_parse(value: str | list[str] | tuple[str, ...]) -> set[AllowedHost]:
    """Parse SCAN_FETCH_ALLOWED_HOSTS; ValueError names an entry that is not `host[:port]`."""
    entries = value.split(",") if isinstance(value, str) else list(value)
    allowed: set[AllowedHost] = set()
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        host, port = _entry_split(entry)
        if not host:
            raise ValueError(f"SCAN_FETCH_ALLOWED_HOSTS: {entry!r} is not host[:port]")
        allowed.add((_host_normalise(host), port))
    return allowed


def _entry_split(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"SCAN_FETCH_ALLOWED_HOSTS: {entry!r} is not host[:port]")
        return host, _port_parse(rest[1:], entry) if rest else None
    if entry.count(":") > 1:  # a bare IPv6 address: no port can be told apart from it
        return entry, None
    host, colon, port = entry.partition(":")
    return host, _port_parse(port, entry) if colon else None


def _port_parse(port: str, entry: str) -> int:
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"SCAN_FETCH_ALLOWED_HOSTS: {entry!r} has no valid port")
    return int(port)


def _host_normalise(host: str) -> str:
    """IP literals in their canonical form, names lower-case without a trailing dot."""
    host = host.strip("[]").lower().rstrip(".")
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    return host


def _is_public(address: IPAddress) -> bool:
    if address.is_multicast or not address.is_global:  # 224/4 counts as "global" to Python
        return False
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address carried inside an IPv6 one reaches that IPv4 host: judge it too.
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if address in ipaddress.ip_network("64:ff9b::/96"):
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(_is_public(inner) for inner in embedded if inner is not None)
    return True


def _is_listed(host: str, port: int, default_port: int, allowed: set[AllowedHost]) -> bool:
    return (host, port) in allowed or (port == default_port and (host, None) in allowed)


def _resolve(host: str, port: int) -> list[IPAddress]:
    with contextlib.suppress(ValueError):
        return [ipaddress.ip_address(host)]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"could not resolve {host}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # A scope id ("fe80::1%eth0") only ever comes with a link-local address, refused below.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(f"could not resolve {host}")
    return addresses


@dataclass(frozen=True)
class _Target:
    """A URL that passed every check, and the address its connection is pinned to."""

    url: httpx.URL
    host: str  # normalised: what the list is matched against, and the TLS server name
    port: int
    address: IPAddress
    display: str  # host:port as the URL spells it, for reasons a moderator reads


def _target_check(url: httpx.URL, allowed: set[AllowedHost]) -> _Target:
    scheme = url.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused(f"scheme not allowed: {scheme or 'none'} (only http and https)")
    if url.userinfo:
        raise Refused("user name or password in the URL")
    if not url.raw_host:
        raise Refused("invalid URL: no host")
    port = url.port or DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise Refused(f"invalid URL: port {port}")
    written = url.raw_host.decode("ascii").lower()
    host = _host_normalise(written)
    display = f"[{written}]:{port}" if ":" in written else f"{written}:{port}"
    if not _is_listed(host, port, DEFAULT_PORTS[scheme], allowed):
        raise Refused(f"host not allowed: {display}")
    addresses = _resolve(host, port)
    for address in addresses:
        if not _is_public(address) and not _is_listed(str(address), port, DEFAULT_PORTS[scheme], allowed):
            raise Refused(
                f"private address: {host} resolves to {address}, which is not listed in SCAN_FETCH_ALLOWED_HOSTS"
            )
    # The first address, in the order the resolver prefers; the others were checked all the same.
    return _Target(url=url, host=host, port=port, address=addresses[0], display=display)


def _settings_limits() -> tuple[int, float, float, float]:
    return (
        int(getattr(settings, "SCAN_MAX_FILE_BYTES", 5 * 1024**3)),
        float(getattr(settings, "SCAN_FETCH_TIMEOUT_SECONDS", 600.0)),
        float(getattr(settings, "SCAN_FETCH_CONNECT_TIMEOUT_SECONDS", 10.0)),
        float(getattr(settings, "SCAN_FETCH_READ_TIMEOUT_SECONDS", 30.0)),
    )


def fetch(
    url: str,
    *,
    expected_sha256: str,
    expected_size: int | None,
    into: Path,
    max_bytes: int | None = None,
    total_seconds: float | None = None,
) -> Fetched:
    """Download `url` into a new file in `into`, checked against the hub's sha256 (and size).

    `max_bytes` and `total_seconds` tighten SCAN_MAX_FILE_BYTES and SCAN_FETCH_TIMEOUT_SECONDS for
    one caller (the case page's excerpts); they never loosen them.

    Errors of the local disk (`into` missing, disk full) are ours, not the server's: they raise.
    """
    expected_sha256 = expected_sha256.lower()
    if not _is_sha256(expected_sha256):
        return Fetched(None, "error", "invalid digest: the hub's sha256 is not 64 hexadecimal digits")
    try:
        allowed = allowed_hosts_parse(getattr(settings, "SCAN_FETCH_ALLOWED_HOSTS", "") or "")
    except ValueError as exc:
        return Fetched(None, "error", f"fetching is off: {exc}")
    if not allowed:
        return Fetched(None, "skipped", "fetching is off: SCAN_FETCH_ALLOWED_HOSTS lists no host")
    limit_bytes, limit_seconds, connect_seconds, read_seconds = _settings_limits()
    max_bytes = limit_bytes if max_bytes is None else min(max_bytes, limit_bytes)
    total_seconds = limit_seconds if total_seconds is None else min(total_seconds, limit_seconds)
    if expected_size is not None and expected_size > max_bytes:
        return Fetched(
            None, "skipped", f"too large: the hub declared {expected_size:,} bytes, over the {max_bytes:,}-byte limit"
        )
    limit = max_bytes if expected_size is None else expected_size
    deadline = time.monotonic() + total_seconds
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
        return Fetched(None, "error", f"invalid URL: {exc}")

    for hop in range(MAX_REDIRECTS + 1):
        try:
            target = _target_check(current, allowed)
        except Refused as exc:
            return Fetched(None, "error", f"redirect refused: {exc}" if hop else str(exc))
        outcome = _fetch_one(
            target,
            expected_sha256=expected_sha256,
            limit=limit,
            max_bytes=max_bytes,
            into=into,
            deadline=deadline,
            total_seconds=total_seconds,
            connect_seconds=connect_seconds,
            read_seconds=read_seconds,
        )
        if isinstance(outcome, Fetched):
            return outcome
        try:
            current = current.join(outcome)
        except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
            return Fetched(None, "error", f"redirect refused: invalid URL: {exc}")
    return Fetched(None, "error", f"too many redirects: more than {MAX_REDIRECTS}")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The certificate store every download verifies against, built once per process: httpx builds
    a context and loads the CA bundle for each client (about 16 ms of CPU, most of a small file's
    scan). Each hop still has a client and a connection of its own."""
    return httpx.create_ssl_context(trust_env=False)


def _fetch_one(
    target: _Target,
    *,
    expected_sha256: str,
    limit: int,
    max_bytes: int,
    into: Path,
    deadline: float,
    total_seconds: float,
    connect_seconds: float,
    read_seconds: float,
) -> Fetched | str:
    """One request to a checked target: the outcome, or the Location of a redirect to follow."""
    timed_out = Fetched(None, "error", f"timed out: no complete file within {total_seconds:g} s")
    left = deadline - time.monotonic()
    if left <= 0:
        return timed_out
    timeout = httpx.Timeout(
        connect=min(connect_seconds, left),
        read=min(read_seconds, left),
        write=min(read_seconds, left),
        pool=min(connect_seconds, left),
    )
    pinned = target.url.copy_with(host=str(target.address), fragment=None)
    headers = {
        "Host": target.url.netloc.decode("ascii"),
        # The hub's digest is of the file's bytes, not of some encoding of them.
        "Accept-Encoding": "identity",
        "User-Agent": "hubmod-scanner",
    }
    extensions = {"sni_hostname": target.host} if target.url.scheme.lower() == "https" else {}
    path: Path | None = None
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()) as client,
            client.stream("GET", pinned, headers=headers, extensions=extensions) as response,
        ):
            if response.status_code in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    return Fetched(None, "error", f"server answered {response.status_code} without a Location")
                return location
            if response.status_code != 200:
                return Fetched(
                    None, "error", f"server answered {response.status_code} {response.reason_phrase}".rstrip()
                )
            announced = response.headers.get("content-length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                return Fetched(
                    None,
                    "skipped",
                    f"too large: the server announced {int(announced):,} bytes, over the {max_bytes:,}-byte limit",
                )
            descriptor, name = tempfile.mkstemp(dir=into, prefix=f"{expected_sha256[:16]}-")
            path = Path(name)
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(descriptor, "wb") as out:
                for chunk in response.iter_raw(CHUNK_BYTES):
                    size += len(chunk)
                    if size > limit:
                        path.unlink()
                        if size > max_bytes:
                            return Fetched(None, "skipped", f"too large: the body passed the {max_bytes:,}-byte limit")
                        return Fetched(
                            None,
                            "error",
                            f"digest mismatch: the server sent more than the {limit:,} bytes the hub declared",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    if time.monotonic() > deadline:
                        path.unlink()
                        return timed_out
    except httpx.TimeoutException:
        _unlink(path)
        return timed_out
    except (httpx.HTTPError, httpx.StreamError) as exc:
        _unlink(path)
        return Fetched(None, "error", f"connection failed: {target.display}: {str(exc) or type(exc).__name__}")
    except BaseException:
        _unlink(path)  # our own disk failed, or the worker is stopping: leave no partial file behind
        raise

    got = digest.hexdigest()
    if got != expected_sha256:
        path.unlink()
        return Fetched(
            None,
            "error",
            f"digest mismatch: the hub declared sha256 {expected_sha256}, the {size:,} bytes served have {got}",
        )
    return Fetched(path, "fetched", f"fetched {size:,} bytes from {target.display}")


def _is_sha256(value: str) -> bool:
    # It also names the temporary file: nothing but hex digits may reach a path.
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _unlink(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
