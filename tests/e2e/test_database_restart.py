"""PostgreSQL restarted under load: requests fail cleanly and the service recovers by itself.

A PostgreSQL cluster of this module's own (initdb in a temporary folder, on a free loopback port) so
it can be stopped without disturbing the suite's database, a Redis of its own, and gunicorn with two
workers holding persistent connections, as production runs (CONN_MAX_AGE). Four clients file
reports and read the queue and a form page while the cluster is stopped for a few seconds and
started again. Every answer is a 2xx, or a 503 with Retry-After that says the database is away; no
500, no dropped connection; once the cluster is back every worker's next request succeeds. The
clients retry a 503 with the same Idempotency-Key, and the reports stored are exactly those answered
201: none lost, none filed twice. The audit chain verifies.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e.conftest import PROJECT
from tests.e2e.parts import RedisServer, eventually, free_port, stack_environment, start_gunicorn, stop, tail

integration = pytest.mark.integration

DOWN_SECONDS = 3.0  # how long the cluster stays stopped
SETTLE_SECONDS = 1.0  # after the first success, every worker has had time to find its broken connection
AFTER_SECONDS = 3.0  # load kept up after recovery
RECOVERY_LIMIT = 15.0  # from the cluster accepting connections to the first success
REPOSITORIES = 5


def _postgres_bin() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A cluster of our own: trust auth, loopback only, fsync off (nothing here must survive a crash).

    As root, its commands run as the `postgres` user: PostgreSQL refuses to run as root."""

    def __init__(self, bindir: Path, directory: Path):
        self.bindir = bindir
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *arguments: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(self.bindir / program), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}\n{done.stderr}\n{tail(self.log)}"

    def init(self) -> PostgresCluster:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back and every connection is cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Answer:
    kind: str
    started: float
    status: int | None
    retry_after: str | None = None
    body: str = ""
    report_id: int | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Service:
    url: str
    env: dict[str, str]
    cluster: PostgresCluster
    database_url: str
    web: subprocess.Popen
    web_log: Path
    hub_key: str
    moderator_token: str


def _manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    bindir = _postgres_bin()
    redis_server_executable = shutil.which("redis-server")
    if bindir is None or redis_server_executable is None:
        message = "PostgreSQL's server binaries (initdb, pg_ctl) and redis-server are needed for the restart test."
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    # Not under pytest's own temporary folder: that one is private to root, and the cluster is not.
    directory = Path(tempfile.mkdtemp(prefix="hubmod-pg-restart-"))
    cluster = PostgresCluster(bindir, directory).init()
    redis_server = RedisServer(redis_server_executable, directory)
    web = None
    try:
        cluster.start()
        cluster.create_database("hubmod")
        redis_server.start()
        url = f"http://127.0.0.1:{free_port()}"
        env = stack_environment(
            database_url=cluster.url("hubmod"),
            redis_url=redis_server.url,
            web_url=url,
            queue="hubmod-restart",
            # Persistent connections, as in production: the restart breaks them under the workers.
            CONN_MAX_AGE="600",
            REPORT_RATE_PER_ADDRESS="100000/h",
            REPORT_RATE_PER_REPORTER="100000/h",
        )
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "seed")
        hub_key = _manage(env, "create_hub_key", "restart hub")
        moderator_token = _manage(env, "create_staff", "mod", "--role", "moderator")
        web_log = directory / "web.log"
        web = start_gunicorn(env=env, web_url=url, log=web_log, workers=2, project=PROJECT)
        yield Service(url, env, cluster, cluster.url("hubmod"), web, web_log, hub_key, moderator_token)
    finally:
        stop(web)
        try:
            redis_server.stop()
        finally:
            with contextlib.suppress(AssertionError):  # already stopped: a failed test may have left it so
                cluster.stop()
            shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Load:
    """Clients calling the service in threads until told to stop; every answer kept."""

    service: Service
    answers: list[Answer] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _keep(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def _call(self, client: httpx.Client, kind: str, method: str, path: str, **kwargs) -> Answer:
        started = time.monotonic()
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            seconds = time.monotonic() - started
            answer = Answer(kind, started, None, error=f"{type(exc).__name__}: {exc}", seconds=seconds)
        else:
            report_id = response.json().get("id") if kind == "file" and response.status_code == 201 else None
            retry_after = response.headers.get("Retry-After")
            seconds = time.monotonic() - started
            answer = Answer(
                kind, started, response.status_code, retry_after, response.text[:500], report_id, seconds=seconds
            )
        self._keep(answer)
        return answer

    def _filer(self, number: int) -> None:
        with httpx.Client(base_url=self.service.url, timeout=10, trust_env=False) as client:
            sent = 0
            while not self.stopping.is_set():
                subject = f"uploader/model-{(number + sent) % REPOSITORIES}"
                body = {
                    "subject": {"type": "repository", "id": subject},
                    "category": "other",
                    "details": {"explanation": f"filer {number}, report {sent}"},
                }
                # As a hub's client would: a 503 is retried with the same Idempotency-Key until it is
                # answered, so a report whose commit the outage hid is not filed twice.
                headers = {"Idempotency-Key": f"filer-{number}-report-{sent}"}
                while self._call(client, "file", "POST", "/api/v1/reports", json=body, headers=headers).status == 503:
                    time.sleep(0.05)
                sent += 1

    def _reader(self) -> None:
        headers = {"Authorization": f"Bearer {self.service.moderator_token}"}
        with httpx.Client(base_url=self.service.url, headers=headers, timeout=10, trust_env=False) as client:
            while not self.stopping.is_set():
                self._call(client, "queue", "GET", "/api/v1/cases")
                self._call(client, "page", "GET", "/report/other/")

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self._filer, args=(n,)) for n in range(3)]
        self.threads.append(threading.Thread(target=self._reader))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.started >= moment]


def _hub_repositories(service: Service) -> None:
    headers = {"Authorization": f"Bearer {service.hub_key}"}
    with httpx.Client(base_url=service.url, headers=headers, timeout=30, trust_env=False) as hub:
        assert hub.put("/api/v1/hub/accounts/uploader", json={"email": "u@example.org"}).status_code in (200, 201)
        for number in range(REPOSITORIES):
            response = hub.put(f"/api/v1/hub/repositories/uploader/model-{number}", json={"kind": "model"})
            assert response.status_code in (200, 201), response.text


@integration
def test_a_postgresql_restart_under_load_fails_cleanly_and_recovers(service: Service):
    _hub_repositories(service)

    with Load(service) as load:
        eventually(lambda: len(load.since(0)) >= 40, what="40 answers before the restart", timeout=30)
        stopped = time.monotonic()
        service.cluster.stop()
        time.sleep(DOWN_SECONDS)
        service.cluster.start()
        back = time.monotonic()

        def first_success_after_restart() -> Answer | None:
            return next((a for a in load.since(back) if a.status and a.status < 300), None)

        recovered = eventually(
            first_success_after_restart, what="a success after PostgreSQL came back", timeout=RECOVERY_LIMIT
        ).started
        time.sleep(SETTLE_SECONDS + AFTER_SECONDS)

    answers = load.answers
    transport_errors = [a for a in answers if a.status is None]
    assert not transport_errors, (
        f"Connections failed instead of answering: {transport_errors[:5]}\n{tail(service.web_log)}"
    )
    unexpected = [a for a in answers if a.status not in (200, 201, 503)]
    assert not unexpected, f"Answers other than 2xx or 503: {unexpected[:5]}\n{tail(service.web_log)}"

    unavailable = [a for a in answers if a.status == 503]
    assert unavailable, "No request met the outage: the test did not test anything."
    assert all(a.started >= stopped - 1 for a in unavailable), "A 503 before the database was stopped."
    assert all(a.retry_after == "5" and "cannot reach its database" in a.body for a in unavailable)
    assert {a.kind for a in unavailable} >= {"file", "queue"}, "Both writes and reads met the outage."
    # Failing cleanly is failing at once: a worker that spends seconds on each failure (as it did
    # rendering rich tracebacks) turns an outage into a queue of hung clients.
    durations = sorted(a.seconds for a in unavailable)
    assert durations[len(durations) // 2] < 0.5, f"The 503s were slow: median {durations[len(durations) // 2]:.2f} s"

    settled = recovered + SETTLE_SECONDS
    after = [a for a in answers if a.started >= settled]
    assert len(after) >= 20, f"Too little load after recovery to judge it: {len(after)} answers."
    assert all(a.status in (200, 201) for a in after), [a for a in after if a.status not in (200, 201)][:5]
    assert recovered - back < RECOVERY_LIMIT

    filed = {a.report_id for a in answers if a.kind == "file" and a.status == 201}
    with psycopg.connect(service.database_url) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM reports_report")}
    assert filed <= stored, f"Reports answered 201 but not stored: {sorted(filed - stored)[:10]}"
    assert stored <= filed, f"Reports stored that no client was told of (filed twice?): {sorted(stored - filed)[:10]}"
    assert "Audit log intact" in _manage(service.env, "verify_audit_log")
    kinds = sorted({a.kind for a in unavailable})
    print(
        f"\n{len(answers)} answers, {len(unavailable)} of them 503 ({', '.join(kinds)}) while PostgreSQL was down"
        f" {DOWN_SECONDS:g} s; first success {recovered - back:.2f} s after it accepted connections again;"
        f" {len(filed)} reports answered 201, each stored once"
    )
