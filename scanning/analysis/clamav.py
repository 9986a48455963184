"""ClamAV through clamd, for every file whatever its kind, when the operator runs a clamd
(SCAN_CLAMD_ADDRESS: `host:port`, or the absolute path of its unix socket).

The client is ours, of the protocol clamd documents (Cisco-Talos/clamav@67a02aa2352c5628d261cca97244bac6ba9ab461:
docs/man/clamd.8.in, clamd/session.c, clamd/server-th.c). Of the Python clients, clamd (1.0.2,
August 2014) and pyClamd (0.4.0, August 2017) are no longer maintained. clamdpy and clamav-client
are kept forks of clamd, but both send INSTREAM in 1 KiB chunks and read clamd's reply only after
the last chunk: a file over clamd's StreamMaxLength makes clamd reply "INSTREAM size limit
exceeded. ERROR" and close at once, so their next send fails with a broken pipe and the reason is
lost. (clamav-client is also GPL-2.0.) The protocol is a few lines of framing:

- a command is prefixed with `z` and ended by a NUL byte (the man page's recommendation); clamd
  ends its one reply line with the same terminator, and closes the connection after it;
- `zPING` -> "PONG"; `zVERSION` -> "ClamAV 1.4.1/27000/Tue Jan 14 09:24:42 2025" (engine, then
  signature database version and date), or "COMMAND UNAVAILABLE" when EnableVersionCommand is off;
- `zINSTREAM`, then chunks of a 4-byte big-endian length and that many bytes, ended by a chunk of
  length 0 -> "stream: OK", "stream: <signature> FOUND", "stream: <reason> ERROR", or, as soon as
  a chunk would pass StreamMaxLength, "INSTREAM size limit exceeded. ERROR" and the connection
  closes. So before each chunk we look for a reply that came early, and a send that fails still
  reads what clamd said before it closed.

Verdicts: OK is clean; FOUND is dangerous, with a "malware" finding naming the signature; an ERROR
reply, any other reply, or a clamd that cannot be reached is an error with the reason, never
clean. The version is the engine and signature database version ("1.4.1/27000"): a new database is
a new version, so the sweep that rescans on a version change scans the file again.
"""

from __future__ import annotations

import re
import select
import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scanning.analysis.result import Finding, ScannerResult

NAME = "clamav"
# A version clamd would not tell (its VERSION command off, or clamd unreachable).
UNKNOWN_VERSION = "unknown"
DEFAULT_TIMEOUT_SECONDS = 120.0
CONNECT_TIMEOUT_SECONDS = 5.0
CHUNK_BYTES = 64 * 1024
# clamd's replies are one short line; more than this is not clamd.
REPLY_MAX_BYTES = 4096
_END_OF_STREAM = struct.pack(">I", 0)
_FOUND = re.compile(r"stream: (?P<signature>.+) FOUND")
_VERSION = re.compile(r"ClamAV (?P<engine>[^/\s]+)(?:/(?P<database>\d+))?(?:/.*)?")


class ClamdUnavailable(Exception):
    """clamd could not be reached, or the connection broke before it replied."""


@dataclass(frozen=True)
class Clamd:
    """One clamd, reached anew for each command (clamd closes the connection after its reply)."""

    address: str
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def ping(self) -> None:
        reply = self._command(b"PING")
        if reply != "PONG":
            raise ClamdUnavailable(f"clamd answered PING with {reply!r}")

    def version(self) -> str:
        return self._command(b"VERSION")

    def instream(self, data: BinaryIO) -> str:
        """Stream `data` to clamd and return its reply line."""
        with self._connect() as connection:
            try:
                connection.sendall(b"zINSTREAM\0")
                while chunk := data.read(CHUNK_BYTES):
                    if _replied(connection):
                        break  # clamd refused the stream before its end; the reply says why
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                else:
                    connection.sendall(_END_OF_STREAM)
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd closed while we sent: what it said before closing is still to read
            except OSError as error:
                raise ClamdUnavailable(f"clamd at {self.address} stopped taking the file: {error}") from error
            return _reply(connection)

    def _command(self, command: bytes) -> str:
        with self._connect() as connection:
            try:
                connection.sendall(b"z" + command + b"\0")
            except OSError as error:
                raise ClamdUnavailable(f"clamd at {self.address} broke off: {error}") from error
            return _reply(connection)

    def _connect(self) -> socket.socket:
        try:
            if self.address.startswith("/"):
                connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                connection.settimeout(min(CONNECT_TIMEOUT_SECONDS, self.timeout))
                try:
                    connection.connect(self.address)
                except OSError:
                    connection.close()
                    raise
            else:
                connection = socket.create_connection(
                    _host_port(self.address), timeout=min(CONNECT_TIMEOUT_SECONDS, self.timeout)
                )
        except OSError as error:
            raise ClamdUnavailable(f"cannot connect to clamd at {self.address}: {error}") from error
        connection.settimeout(self.timeout)
        return connection


def clamav_analyse(path: str | Path, *, address: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ScannerResult:
    clamd = Clamd(address, timeout=timeout)
    version = UNKNOWN_VERSION
    try:
        version = engine_version(clamd.version())
        with open(path, "rb") as data:
            reply = clamd.instream(data)
    except (ClamdUnavailable, ValueError) as error:
        return ScannerResult(name=NAME, version=version, verdict="error", error=str(error))
    except OSError as error:
        return ScannerResult(name=NAME, version=version, verdict="error", error=f"cannot scan the file: {error}")
    if reply == "stream: OK":
        return ScannerResult(name=NAME, version=version, verdict="clean")
    if found := _FOUND.fullmatch(reply):
        malware = Finding("malware", found["signature"])
        return ScannerResult(name=NAME, version=version, verdict="dangerous", findings=(malware,))
    if "size limit exceeded" in reply:
        # Not a failure of the scan: the file is larger than this clamd accepts (StreamMaxLength).
        # Skipped ranks below the other analysers' verdicts, so a large checkpoint is still judged by them.
        reason = (
            "too large for clamd: over its StreamMaxLength (raise it, MaxFileSize and MaxScanSize to scan such files)"
        )
        return ScannerResult(name=NAME, version=version, verdict="skipped", error=reason)
    if reply.endswith("ERROR"):
        reason = reply.removeprefix("stream: ").removesuffix("ERROR").strip()
        return ScannerResult(name=NAME, version=version, verdict="error", error=f"clamd refused the file: {reason}")
    return ScannerResult(name=NAME, version=version, verdict="error", error=f"unexpected reply from clamd: {reply!r}")


def engine_version(reply: str) -> str:
    """The engine and signature database of a VERSION reply, without the database's date (one
    database always has the same date): "ClamAV 1.4.1/27000/Tue Jan 14 09:24:42 2025" gives
    "1.4.1/27000"."""
    match = _VERSION.fullmatch(reply)
    if match is None:
        return UNKNOWN_VERSION
    return f"{match['engine']}/{match['database']}" if match["database"] else match["engine"]


def _host_port(address: str) -> tuple[str, int]:
    host, colon, port = address.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # an IPv6 address is written in brackets
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"SCAN_CLAMD_ADDRESS {address!r} is neither host:port nor the absolute path of a socket")
    return host, int(port)


def _replied(connection: socket.socket) -> bool:
    """Whether clamd has said something (or closed) already. poll, not select: a worker may hold
    more descriptors than select can watch."""
    poller = select.poll()
    poller.register(connection, select.POLLIN)
    return bool(poller.poll(0))


def _reply(connection: socket.socket) -> str:
    """clamd's reply line, up to its NUL terminator (or newline, or the connection's end)."""
    received = b""
    try:
        while not received.endswith((b"\0", b"\n")) and len(received) < REPLY_MAX_BYTES:
            chunk = connection.recv(REPLY_MAX_BYTES)
            if not chunk:
                break
            received += chunk
    except OSError as error:
        if not received:
            raise ClamdUnavailable(f"clamd broke off before it replied: {error}") from error
    if not received:
        raise ClamdUnavailable("clamd closed the connection without a reply")
    return received.rstrip(b"\0\n").decode("utf-8", errors="replace").strip()
