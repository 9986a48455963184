"""Real parts of our own for the fault tests, on free loopback ports, and the waits around them."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis

WAIT = 60.0  # the longest any single wait may take, in seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(check: Callable[[], object], *, what: str, timeout: float = WAIT, every: float = 0.1, detail=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout:g} s waiting for {what}." + (f"\n{detail()}" if detail else ""))


def tail(path: Path, chars: int = 4000) -> str:
    return f"--- {path.name} ---\n{path.read_text(errors='replace')[-chars:]}" if path.exists() else ""


def stop(process: subprocess.Popen | None, *, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


class RedisServer:
    """A redis-server of our own on a free loopback port, without persistence: a restart loses every
    queued message, as a broker outage would."""

    def __init__(self, executable: str, directory: Path):
        self.executable = executable
        self.directory = directory
        self.port = free_port()
        self.log = directory / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def ping(self) -> bool:
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> RedisServer:
        command = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
            "--daemonize",
            "no",
        ]
        with self.log.open("a") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        eventually(self.ping, what=f"redis-server on port {self.port}", timeout=30, detail=lambda: tail(self.log))
        return self

    def stop(self) -> None:
        stop(self.process)
        assert not self.ping(), f"Redis on port {self.port} still answers after being stopped"
