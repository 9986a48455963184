"""Enforcement under faults, on real parts: a gunicorn web process, a Celery worker process, a Redis
server of this module's own (so it can be stopped and the worker killed without disturbing the rest
of the suite) and the stand-in hub's HTTP receiver, all on 127.0.0.1.

The receiver fails the first two attempts -> applied once, three deliveries with one webhook-id; it
hangs past the read timeout -> retried; the worker is SIGKILLed mid-delivery -> applied after a
restart, through the sweeper; Redis is down while a decision is made -> the decision is stored and
the action is applied after Redis returns, through the sweeper; Redis is down while a report is
filed -> it is stored and reaches the queue; nothing listens where the hub should
be for a while -> the action waits, pending, and is applied once the hub is back. Every delivery
verifies against the secret with the `standardwebhooks` library.
"""

from __future__ import annotations

import base64
import io
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from devtools.hub_receiver import HANG, HubReceiver
from hub.client import sign
from hubmod.audit.models import AuditEvent
from moderation.models import EnforcementAction
from tests.e2e.conftest import PROJECT, _database_url_of_test_db
from tests.e2e.parts import WAIT, RedisServer, eventually, free_port, stack_environment, start_gunicorn, stop, tail

integration = pytest.mark.integration

READ_TIMEOUT = 2  # HUB_WEBHOOK_READ_TIMEOUT of the stack's worker, in seconds


def _secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Stack:
    """gunicorn + a Celery worker on our Redis and the test database, delivering to `receiver`."""

    env: dict[str, str]
    directory: Path
    redis: RedisServer
    receiver: HubReceiver
    web_url: str
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def queue(self) -> str:
        return self.env["CELERY_QUEUE"]

    @property
    def web_log(self) -> Path:
        return self.directory / "web.log"

    @property
    def worker_log(self) -> Path:
        return self.directory / "worker.log"

    def logs(self) -> str:
        return "\n".join(tail(p) for p in (self.worker_log, self.web_log, self.redis.log))

    def start_web(self) -> None:
        self.web = start_gunicorn(env=self.env, web_url=self.web_url, log=self.web_log, project=PROJECT)

    def start_worker(self, **overrides: str) -> None:
        assert self.worker is None or self.worker.poll() is not None, "a worker is already running"
        command = [sys.executable, "-m", "celery", "-A", "hubmod", "worker", "-P", "solo", "-Q", self.queue]
        command += ["-n", f"faults-{uuid.uuid4().hex[:8]}@%h", "--without-heartbeat", "--without-mingle"]
        command += ["--without-gossip", "-l", "info"]
        log_offset = self.worker_log.stat().st_size if self.worker_log.exists() else 0
        with self.worker_log.open("a") as out:
            self.worker = subprocess.Popen(
                command, cwd=PROJECT, env={**self.env, **overrides}, stdout=out, stderr=subprocess.STDOUT
            )

        def ready() -> bool:
            assert self.worker.poll() is None, f"The worker exited at start:\n{tail(self.worker_log)}"
            with self.worker_log.open("rb") as log:
                log.seek(log_offset)
                return b"ready." in log.read()

        eventually(ready, what="the worker to be ready", detail=lambda: tail(self.worker_log))

    def stop_worker(self) -> None:
        stop(self.worker)

    def kill_worker(self) -> int:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing handed back to the broker."""
        os.kill(self.worker.pid, signal.SIGKILL)
        return self.worker.wait(10)

    def sweep(self) -> None:
        """What beat does every minute: send `moderation.enforcement_sweep` through the broker."""
        command = [sys.executable, "-m", "celery", "-A", "hubmod", "call", "moderation.enforcement_sweep"]
        command += ["--queue", self.queue]
        done = subprocess.run(command, cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"celery call failed:\n{done.stdout}\n{done.stderr}"

    def ensure_running(self) -> None:
        """After a test that stopped a part (and perhaps failed half-way), bring everything back."""
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()
        if self.web is None or self.web.poll() is not None:
            self.start_web()
        if self.worker is None or self.worker.poll() is not None:
            self.start_worker()

    def close(self) -> None:
        for process in (self.worker, self.web, self.redis.process):
            try:
                stop(process)
            except Exception:  # noqa: S112 - stop the others whatever happens to one
                continue


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    executable = shutil.which("redis-server")
    if executable is None:
        message = "redis-server is not installed (apt-get install redis-server); the enforcement fault tests need one."
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_db()
    directory = tmp_path_factory.mktemp("faults")
    receiver = HubReceiver(secret=_secret(), hang_seconds=READ_TIMEOUT * 2).start()
    redis_server = RedisServer(executable, directory)
    web_url = f"http://127.0.0.1:{free_port()}"
    env = stack_environment(
        database_url=database_url,
        redis_url=redis_server.url,
        web_url=web_url,
        queue="hubmod-faults",
        CELERY_TASK_ALWAYS_EAGER="false",
        HUB_WEBHOOK_URL=receiver.url,
        HUB_WEBHOOK_SECRET=receiver.secret,
        HUB_WEBHOOK_READ_TIMEOUT=str(READ_TIMEOUT),
        ENFORCEMENT_RETRY_BASE_SECONDS="0.5",
        ENFORCEMENT_SWEEP_AFTER_SECONDS="1",
        CONN_MAX_AGE="0",
    )
    running = Stack(env=env, directory=directory, redis=redis_server, receiver=receiver, web_url=web_url)
    try:
        redis_server.start()
        running.start_web()
        running.start_worker()
        yield running
    finally:
        running.close()
        receiver.stop()


@dataclass
class Parts:
    stack: Stack
    receiver: HubReceiver
    hub: httpx.Client
    moderator: httpx.Client
    public: httpx.Client


def _last_line(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def parts(transactional_db, stack: Stack) -> Iterator[Parts]:
    """The stack running, the hub receiver cleared, and a seeded database with a hub key and a moderator."""
    stack.ensure_running()
    receiver = stack.receiver
    receiver.deliveries.clear()
    receiver.script.clear()
    receiver.hang_seconds = READ_TIMEOUT * 2
    call_command("seed", stdout=io.StringIO())
    hub_key = _last_line("create_hub_key", "faults hub")
    moderator_token = _last_line("create_staff", "mod", "--role", "moderator")

    def client(token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=stack.web_url, headers=headers, timeout=30, trust_env=False)

    with client(hub_key) as hub, client(moderator_token) as moderator, client() as public:
        yield Parts(stack=stack, receiver=receiver, hub=hub, moderator=moderator, public=public)


# --- One decision over HTTP ----------------------------------------------------------------------


def _file_report(parts: Parts, name: str) -> int:
    account = parts.hub.put("/api/v1/hub/accounts/uploader", json={"email": "u@example.org"})
    assert account.status_code in (200, 201), account.text
    repository = parts.hub.put(f"/api/v1/hub/repositories/uploader/{name}", json={"kind": "model"})
    assert repository.status_code in (200, 201), repository.text
    report = parts.public.post(
        "/api/v1/reports",
        json={
            "subject": {"type": "repository", "id": f"uploader/{name}"},
            "category": "other",
            "details": {"explanation": "x"},
        },
    )
    assert report.status_code == 201, report.text
    return report.json()["case_id"]


def _claim_and_decide(parts: Parts, case_id: int) -> int:
    claimed = parts.moderator.post(f"/api/v1/cases/{case_id}/claim")
    assert claimed.status_code == 200, claimed.text
    decided = parts.moderator.post(
        f"/api/v1/cases/{case_id}/decide",
        json={
            "actions": ["delist"],
            "ground": {"policy_section": "harmful-use"},
            "intent": "deliberate",
            "statement": "The weights copy the work.",
        },
    )
    assert decided.status_code == 200, decided.text
    return decided.json()["decision"]["id"]


def _action(decision_id: int) -> EnforcementAction:
    [action] = EnforcementAction.objects.filter(decision_id=decision_id)  # one row: delist
    return action


def _webhook_id(action: EnforcementAction) -> str:
    return f"msg_{action.idempotency_key.hex}"


def _wait_applied(parts: Parts, decision_id: int, *, sweep: bool = False) -> EnforcementAction:
    """Until the action is applied; with `sweep`, sending the sweeper now and then as beat would."""
    deadline = time.monotonic() + WAIT
    next_sweep = 0.0
    while time.monotonic() < deadline:
        action = _action(decision_id)
        assert action.state != EnforcementAction.State.FAILED, f"the action failed: {action.last_error}"
        if action.state == EnforcementAction.State.APPLIED:
            return action
        if sweep and time.monotonic() >= next_sweep:
            parts.stack.sweep()
            next_sweep = time.monotonic() + 5
        time.sleep(0.1)
    action = _action(decision_id)
    raise AssertionError(
        f"Timed out after {WAIT:g} s waiting for the action to apply: state={action.state} "
        f"attempts={action.attempts} last_error={action.last_error!r}\n"
        f"deliveries={parts.receiver.deliveries!r}\n{parts.stack.logs()}"
    )


def _assert_applied_once(parts: Parts, action: EnforcementAction, name: str) -> None:
    time.sleep(1)  # longer than the first retry delay: a duplicate or stray retry would show by now
    action.refresh_from_db()
    assert action.state == EnforcementAction.State.APPLIED
    assert EnforcementAction.objects.filter(decision_id=action.decision_id).count() == 1
    applied_events = AuditEvent.objects.filter(
        verb="enforcementaction.mark_applied", target_type="moderation.enforcementaction", target_id=str(action.pk)
    )
    assert applied_events.count() == 1
    repository = parts.hub.get(f"/api/v1/hub/repositories/uploader/{name}")
    assert repository.status_code == 200, repository.text
    assert repository.json()["visibility"] == "delisted"
    deliveries = list(parts.receiver.deliveries)
    assert deliveries, "the hub saw no delivery"
    assert all(d.verified for d in deliveries), deliveries
    assert {d.webhook_id for d in deliveries} == {_webhook_id(action)}
    for delivery in deliveries:
        assert delivery.payload["type"] == "enforcement.apply"
        assert delivery.payload["action"] == "delist"
        assert delivery.payload["subject"] == {"type": "repository", "id": f"uploader/{name}"}
        assert delivery.payload["decision"] == action.decision_id
    assert [d.status for d in deliveries].count(204) == 1, deliveries


# --- The faults --------------------------------------------------------------------------------


@integration
def test_hub_fails_twice_then_accepts_applied_once_with_one_webhook_id(parts: Parts):
    parts.receiver.script[:] = [500, 500]

    decision_id = _claim_and_decide(parts, _file_report(parts, "fails-twice"))
    action = _wait_applied(parts, decision_id)

    _assert_applied_once(parts, action, "fails-twice")
    assert [d.status for d in parts.receiver.verified()] == [500, 500, 204]
    assert len(parts.receiver.deliveries) == 3
    assert action.attempts == 3  # every delivery the worker recorded an answer for, the successful one included
    assert action.last_error == ""


@integration
def test_hub_hangs_past_the_read_timeout_then_the_delivery_is_retried(parts: Parts):
    parts.receiver.hang_seconds = READ_TIMEOUT * 2
    parts.receiver.script[:] = [HANG]

    decision_id = _claim_and_decide(parts, _file_report(parts, "hangs"))
    action = _wait_applied(parts, decision_id)

    _assert_applied_once(parts, action, "hangs")
    statuses = [d.status for d in parts.receiver.verified()]
    assert len(statuses) >= 2
    assert statuses[0] == HANG
    assert statuses[-1] == 204
    assert action.attempts == len(statuses)


@integration
def test_worker_killed_mid_delivery_is_applied_after_restart_through_the_sweeper(parts: Parts):
    stack = parts.stack
    # A worker that would wait 30 s for the hub, so it is surely still inside the delivery when killed.
    stack.stop_worker()
    stack.start_worker(HUB_WEBHOOK_READ_TIMEOUT="30")
    parts.receiver.hang_seconds = 20
    parts.receiver.script[:] = [HANG]

    decision_id = _claim_and_decide(parts, _file_report(parts, "worker-killed"))
    eventually(
        lambda: parts.receiver.verified(), what="the first delivery to reach the hub", every=0.02, detail=stack.logs
    )
    assert stack.kill_worker() == -signal.SIGKILL

    # The worker died inside the delivery, before it could record an answer: the action is pending, untouched.
    action = _action(decision_id)
    assert action.state == EnforcementAction.State.PENDING
    assert action.last_error == ""
    assert action.next_attempt_at is None

    stack.start_worker()
    action = _wait_applied(parts, decision_id, sweep=True)

    _assert_applied_once(parts, action, "worker-killed")
    assert [d.status for d in parts.receiver.verified()] == [HANG, 204]


@integration
def test_redis_down_while_deciding_is_applied_after_redis_returns_through_the_sweeper(parts: Parts):
    stack = parts.stack
    case_id = _file_report(parts, "redis-down")

    stack.redis.stop()
    started = time.monotonic()
    decision_id = _claim_and_decide(parts, case_id)
    took = time.monotonic() - started

    # The decision is stored; publishing failed fast and was logged, and nothing reached the hub.
    assert took < 20, f"claim and decide took {took:.1f} s with the broker down"
    action = _action(decision_id)
    assert action.state == EnforcementAction.State.PENDING
    assert action.attempts == 0
    assert "The broker did not take moderation.enforcement_drain" in stack.web_log.read_text()
    assert parts.receiver.deliveries == []

    stack.redis.start()  # the same port, and empty: the queued work is gone
    action = _wait_applied(parts, decision_id, sweep=True)

    _assert_applied_once(parts, action, "redis-down")
    assert [d.status for d in parts.receiver.verified()] == [204]
    assert action.attempts == 1


@integration
def test_redis_down_while_filing_the_report_is_stored_and_reaches_the_queue(parts: Parts):
    stack = parts.stack
    stack.redis.stop()
    try:
        case_id = _file_report(parts, "filed-while-redis-down")  # asserts 201
    finally:
        stack.redis.start()

    case = parts.moderator.get(f"/api/v1/cases/{case_id}")
    assert case.status_code == 200, case.text
    assert len(case.json()["reports"]) == 1
    assert "filing without counting" in stack.web_log.read_text()


@integration
def test_the_hub_down_for_a_while_gets_the_action_once_it_is_back(parts: Parts):
    parts.receiver.stop()  # nothing listens: every attempt is refused
    try:
        decision_id = _claim_and_decide(parts, _file_report(parts, "hub-down"))
        refused = eventually(
            lambda: (action := _action(decision_id)).attempts >= 2 and action,
            what="two refused attempts",
            detail=parts.stack.logs,
        )
    finally:
        parts.receiver.restart()
    action = _wait_applied(parts, decision_id, sweep=True)

    assert refused.state == EnforcementAction.State.PENDING  # waiting, not given up
    assert "Could not reach the hub" in refused.last_error
    _assert_applied_once(parts, action, "hub-down")
    assert [d.status for d in parts.receiver.verified()] == [204]
    assert action.attempts >= 3


# --- The signature, without the parts ------------------------------------------------------------


def test_signature_verifies_with_standardwebhooks_and_a_tampered_body_does_not():
    first, second = _secret(), _secret()
    body = b'{"action":"delist","type":"enforcement.apply"}'
    timestamp = int(time.time())

    def headers(secrets_: list[str]) -> dict[str, str]:
        return {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secrets=secrets_, msg_id="msg_1", timestamp=timestamp, body=body),
        }

    assert Webhook(first).verify(body, headers([first])) == {"action": "delist", "type": "enforcement.apply"}
    tampered = bytearray(body)
    tampered[2] ^= 1
    with pytest.raises(WebhookVerificationError):
        Webhook(first).verify(bytes(tampered), headers([first]))
    with pytest.raises(WebhookVerificationError):
        Webhook(second).verify(body, headers([first]))

    # During a rotation both secrets sign: a hub on either one verifies.
    rotating = headers([first, second])
    assert len(rotating["webhook-signature"].split(" ")) == 2
    assert Webhook(first).verify(body, rotating)["type"] == "enforcement.apply"
    assert Webhook(second).verify(body, rotating)["type"] == "enforcement.apply"
