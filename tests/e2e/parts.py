"""Real parts of our own for the fault tests, on free loopback ports, and the waits around them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
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


def stack_environment(*, database_url: str, redis_url: str, web_url: str, queue: str, **settings: str) -> dict:
    """The environment of a web or worker process of our own: this one's, but on our parts."""
    # Ours are set below; a leftover embedded-broker URL or eager flag must not leak in.
    leftovers = {"CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_URL", "EMAIL_FILE_PATH", "SCAN_QUEUE"}
    env = {key: value for key, value in os.environ.items() if key not in leftovers}
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": f"{redis_url}/0",
            # The cache is on our Redis too, so a stopped Redis is stopped for the web entirely.
            "REDIS_CACHE_URL": f"{redis_url}/1",
            "CELERY_QUEUE": f"{queue}-{uuid.uuid4().hex[:12]}",
            "BASE_URL": web_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            **settings,
        }
    )
    return env


def start_gunicorn(*, env: dict, web_url: str, log: Path, workers: int = 1, project: Path) -> subprocess.Popen:
    """gunicorn serving hubmod on `web_url`, once it answers."""
    command = [sys.executable, "-m", "gunicorn", "hubmod.wsgi:application", "-b", web_url.removeprefix("http://")]
    command += ["-w", str(workers), "--timeout", "60", "--no-control-socket"]
    with log.open("a") as out:
        web = subprocess.Popen(command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)

    def answers() -> bool:
        assert web.poll() is None, f"gunicorn exited at start:\n{tail(log)}"
        try:
            return httpx.get(f"{web_url}/api/v1/report-categories", timeout=2, trust_env=False).is_success
        except httpx.HTTPError:
            return False

    eventually(answers, what="gunicorn to answer", detail=lambda: tail(log), every=0.2)
    return web
