"""Signed checkpoints anchor the audit chain outside the database: a writer who edits an event and
recomputes every hash after it passes the chain's own check, and is caught by the checkpoints."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient
from structlog.testing import capture_logs

from hubmod.actors import SYSTEM
from hubmod.audit import checkpoints
from hubmod.audit import log as audit
from hubmod.audit import tasks as audit_tasks
from hubmod.audit.log import event_hash, verify_chain
from hubmod.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from hubmod.celery import app as celery_app
from tests.factories import RepositoryFactory

# Checkpoints and verify count from the chain's first event: each test starts from an empty log.
pytestmark = pytest.mark.usefixtures("empty_audit_log")

BASE_DIR = Path(django_settings.BASE_DIR)


def new_key() -> tuple[str, str]:
    """(private, public) as base64 of the raw 32 bytes, as the settings take them."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode(), base64.b64encode(public).decode()


def record(n: int, *, start: int = 0) -> None:
    repo = RepositoryFactory()
    for i in range(start, start + n):
        audit.record(actor=SYSTEM, verb="step", target=repo, data={"n": i})


def publish_by_beat() -> None:
    """What beat runs every ten minutes, run in-process (tasks are eager in these tests)."""
    audit_tasks.checkpoint_publish.delay()


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_log", *args, stdout=out)
    return out.getvalue()


def rewrite_from(seq: int, **changes) -> None:
    """What a writer with database access does: edit event `seq`, then recompute its hash and every
    hash after it, and move the chain head, so that the chain holds together again."""
    with connection.cursor() as cursor:
        # As the table's owner may: no trigger fires for this session, the append-only one included.
        cursor.execute("SET session_replication_role = replica")
    previous = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            for field, value in changes.items():
                setattr(event, field, value)
        event.prev_hash = previous
        event.hash = previous = event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash, **changes)
        changes = {}
    AuditChainHead.objects.filter(pk=1).update(hash=previous)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def sink(settings, tmp_path) -> Path:
    path = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(path)
    return path


@pytest.fixture
def signing(settings) -> str:
    private, public = new_key()
    settings.AUDIT_CHECKPOINT_SIGNING_KEY = private
    return public


@pytest.mark.django_db
def test_a_chain_rewritten_after_an_edit_passes_the_chain_check_and_fails_against_the_checkpoints(sink, signing):
    record(5)
    publish_by_beat()
    record(5, start=5)
    publish_by_beat()
    assert [json.loads(line)["seq"] for line in sink.read_text().splitlines()] == [5, 10]

    rewrite_from(3, actor_label="someone else")

    # The chain checked against itself, as verify_audit_log did before checkpoints: all intact.
    assert verify_chain().problem == ""
    assert AuditEvent.objects.get(seq=3).actor_label == "someone else"
    # Against the checkpoints (the sink's file by default), the first one that disagrees is named.
    with pytest.raises(CommandError, match=r"broken at event 5: checkpoint 5 of .*checkpoints\.jsonl line 1\) signed"):
        verify()
    with pytest.raises(CommandError, match="broken at event 5: checkpoint 5 "):
        verify("--checkpoints", str(sink))


@pytest.mark.django_db
def test_an_intact_chain_verifies_against_its_checkpoints_and_says_how_many(sink, signing):
    record(3)
    publish_by_beat()
    record(2, start=3)
    publish_by_beat()

    assert "5 events verified in" in verify()
    assert f"matches 2 signed checkpoints from {sink}" in verify()


@pytest.mark.django_db
def test_without_checkpoints_verify_says_plainly_what_it_cannot_catch(settings):
    settings.AUDIT_CHECKPOINT_FILE = ""
    record(2)

    output = verify()

    assert "2 events verified" in output
    assert "no signed checkpoints" in output
    assert "a writer who recomputed every hash after an edit would pass" in output


@pytest.mark.django_db
def test_the_database_copy_catches_the_rewrite_when_no_file_sink_is_set(settings, signing):
    settings.AUDIT_CHECKPOINT_FILE = ""
    record(4)
    publish_by_beat()

    rewrite_from(2, data={"n": "changed"})

    with pytest.raises(CommandError, match=r"broken at event 4: checkpoint 4 .*the database's copy"):
        verify()


@pytest.mark.django_db
def test_a_forged_checkpoint_is_refused(sink, signing, tmp_path):
    record(4)
    publish_by_beat()
    genuine = json.loads(sink.read_text())
    # A writer who rewrote the chain would like the checkpoint to carry the new head's hash.
    rewrite_from(2, verb="other")
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps({**genuine, "hash": AuditEvent.objects.get(seq=4).hash}) + "\n")

    with pytest.raises(CommandError, match=r"Refused: checkpoint 4 .* signature that does not verify"):
        verify("--checkpoints", str(forged))

    # Signed by a key of the writer's own: not one hubmod's operators trust.
    other = Ed25519PrivateKey.generate()
    head = AuditEvent.objects.get(seq=4)
    at = genuine["at"]
    signature = other.sign(checkpoints.message(seq=4, hash=head.hash, at=at))
    other_public = other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    self_signed = {
        **genuine,
        "hash": head.hash,
        "key_id": checkpoints.key_id(other_public),
        "signature": base64.b64encode(signature).decode(),
    }
    forged.write_text(json.dumps(self_signed) + "\n")
    with pytest.raises(CommandError, match=r"Refused: checkpoint 4 .* which is not a trusted key"):
        verify("--checkpoints", str(forged))


@pytest.mark.django_db
def test_a_line_that_is_not_a_checkpoint_is_refused_by_name(tmp_path, signing):
    record(1)
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"seq": 1}\nnot json\n')

    with pytest.raises(CommandError, match=r"garbage\.jsonl line 1 is not a checkpoint"):
        verify("--checkpoints", str(garbage))
    with pytest.raises(CommandError, match="No checkpoints file at"):
        verify("--checkpoints", str(tmp_path / "missing.jsonl"))


@pytest.mark.django_db
def test_events_cut_off_the_end_of_the_log_are_caught(sink, signing):
    record(6)
    publish_by_beat()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq > 4")
        cursor.execute("SET session_replication_role = origin")
    AuditChainHead.objects.filter(pk=1).update(seq=4, hash=AuditEvent.objects.get(seq=4).hash)

    assert verify_chain().problem == ""
    with pytest.raises(CommandError, match=r"checkpoint 6 .* says the log had 6 events, it ends at 4"):
        verify()


@pytest.mark.django_db
def test_checkpoints_signed_before_a_key_rotation_still_verify(settings, sink):
    old_private, old_public = new_key()
    new_private, new_public = new_key()
    settings.AUDIT_CHECKPOINT_SIGNING_KEY = old_private
    record(3)
    publish_by_beat()
    settings.AUDIT_CHECKPOINT_SIGNING_KEY = new_private
    record(2, start=3)
    publish_by_beat()

    with pytest.raises(CommandError, match=r"Refused: checkpoint 3 .* not a trusted key"):
        verify()
    settings.AUDIT_CHECKPOINT_VERIFY_KEYS = [old_public]
    assert "matches 2 signed checkpoints" in verify()
    # Or with the keys given outright, as an outsider holding the published keys would.
    settings.AUDIT_CHECKPOINT_VERIFY_KEYS = []
    assert "matches 2 signed checkpoints" in verify("--public-key", old_public, "--public-key", new_public)
    with pytest.raises(CommandError, match="not a raw 32-byte Ed25519 public key"):
        verify("--public-key", "bm90IGEga2V5")


@pytest.mark.django_db
def test_beat_publishes_to_the_log_the_file_and_the_public_endpoint(sink, signing):
    assert celery_app.conf.beat_schedule["audit-checkpoint-publish"]["task"] == "audit.checkpoint_publish"
    record(3)

    with capture_logs() as logs:
        publish_by_beat()

    [line] = [entry for entry in logs if entry["event"] == "audit.checkpoint"]
    head = AuditChainHead.objects.get(pk=1)
    assert (line["seq"], line["hash"], line["key_id"]) == (3, head.hash, checkpoints.key_id(base64.b64decode(signing)))
    assert line["development_key"] is False
    [in_file] = [json.loads(x) for x in sink.read_text().splitlines()]
    assert in_file == {k: line[k] for k in in_file}
    page = APIClient().get("/api/v1/audit/checkpoints").json()
    assert page == {"results": [in_file], "next": None}

    # Nothing new since: beat signs nothing more, and the file gets nothing more.
    publish_by_beat()
    assert AuditCheckpoint.objects.count() == 1
    assert len(sink.read_text().splitlines()) == 1


@pytest.mark.django_db
def test_an_outsider_verifies_published_checkpoints_with_the_published_key(signing):
    record(2)
    publish_by_beat()
    record(1, start=2)
    publish_by_beat()
    client = APIClient()

    keys = client.get("/api/v1/audit/checkpoints/keys").json()
    [current] = [k for k in keys["keys"] if k["current"]]
    assert (keys["algorithm"], current["public_key"], keys["development"]) == ("Ed25519", signing, False)
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(current["public_key"]))
    page = client.get("/api/v1/audit/checkpoints").json()
    assert [c["seq"] for c in page["results"]] == [2, 3]
    for c in page["results"]:
        # The documented message: canonical JSON of at, format, hash and seq.
        body = json.dumps({k: c[k] for k in ("at", "format", "hash", "seq")}, sort_keys=True, separators=(",", ":"))
        public.verify(base64.b64decode(c["signature"]), body.encode())
        assert c["hash"] == AuditEvent.objects.get(seq=c["seq"]).hash

    later = client.get("/api/v1/audit/checkpoints", {"after": 2}).json()
    assert [c["seq"] for c in later["results"]] == [3]
    for bad in ("x", "-1", str(2**70)):
        answer = client.get("/api/v1/audit/checkpoints", {"after": bad})
        assert answer.status_code == 400
        assert "after" in answer.json()["errors"]


@pytest.mark.django_db
def test_the_public_list_pages_by_seq(signing, monkeypatch):
    from hubmod.audit import api

    monkeypatch.setattr(api, "PAGE", 2)
    for n in range(5):
        record(1, start=n)
        publish_by_beat()
    client = APIClient()

    seen, url = [], "/api/v1/audit/checkpoints"
    while url:
        page = client.get(url).json()
        seen += [c["seq"] for c in page["results"]]
        url = page["next"]
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_the_publisher_refuses_to_sign_a_chain_rewritten_since_the_last_checkpoint(sink, signing):
    record(4)
    publish_by_beat()
    record(2, start=4)
    rewrite_from(2, actor_label="someone else")

    with capture_logs() as logs:
        publish_by_beat()
    with pytest.raises(CommandError, match="Not signed: The audit log since checkpoint 4 is broken at event 5"):
        call_command("publish_audit_checkpoint", stdout=StringIO())

    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [4]
    assert len(sink.read_text().splitlines()) == 1
    assert any(entry["event"] == "audit.checkpoint_refused" for entry in logs)


@pytest.mark.django_db
def test_the_command_publishes_on_demand_and_names_the_sinks_it_lacks(settings, signing):
    settings.AUDIT_CHECKPOINT_FILE = settings.AUDIT_CHECKPOINT_URL = ""
    out = StringIO()
    call_command("publish_audit_checkpoint", stdout=out)
    assert "The audit log is empty" in out.getvalue()

    record(2)
    out = StringIO()
    call_command("publish_audit_checkpoint", stdout=out)

    assert "Signed: checkpoint 2" in out.getvalue()
    assert "No file sink: AUDIT_CHECKPOINT_FILE is unset." in out.getvalue()
    assert "No HTTP sink: AUDIT_CHECKPOINT_URL is unset." in out.getvalue()
    assert AuditCheckpoint.objects.get().seq == 2


@pytest.mark.django_db
def test_the_development_key_says_so(settings):
    settings.AUDIT_CHECKPOINT_SIGNING_KEY = ""
    record(1)
    out = StringIO()
    call_command("publish_audit_checkpoint", stdout=out)

    assert "Signed with the development key derived from SECRET_KEY" in out.getvalue()
    assert APIClient().get("/api/v1/audit/checkpoints/keys").json()["development"] is True
    assert "matches 1 signed checkpoints" in verify()


class Receiver(ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 standing in for the operator's checkpoint sink."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.received = statuses, []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N805 - the server is `self` here
                body = handler.rfile.read(int(handler.headers["content-length"]))
                self.received.append((dict(handler.headers), json.loads(body)))
                handler.send_response(self.statuses.pop(0) if self.statuses else 204)
                handler.send_header("content-length", "0")
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/checkpoints"


@pytest.fixture
def receiver(settings):
    server = Receiver(statuses=[])
    settings.AUDIT_CHECKPOINT_URL = server.url
    settings.AUDIT_CHECKPOINT_URL_TOKEN = "sink-token"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_each_checkpoint_is_posted_to_the_operators_endpoint(receiver, signing, settings):
    settings.AUDIT_CHECKPOINT_FILE = ""
    record(2)

    publish_by_beat()

    [(headers, body)] = receiver.received
    assert headers["authorization"] == "Bearer sink-token"
    assert body == checkpoints.as_published(AuditCheckpoint.objects.get())


@pytest.mark.django_db
def test_the_endpoint_is_retried_on_5xx_and_no_answer_and_given_up_on_other_4xx(receiver, signing, settings):
    settings.AUDIT_CHECKPOINT_FILE = ""
    receiver.statuses[:] = [503, 503, 503]
    record(1)
    publish_by_beat()  # eager: the first attempt, answered 503; Celery would retry it later
    checkpoint = AuditCheckpoint.objects.get()

    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=1) > 0
    receiver.statuses[:] = [429]
    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=2) > 0
    receiver.statuses[:] = [400]
    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=3) is None
    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=4) is None  # 204: done
    assert len(receiver.received) == 4 + 1
    receiver.statuses[:] = [503]
    last = settings.AUDIT_CHECKPOINT_MAX_ATTEMPTS - 1
    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=last) is None
    settings.AUDIT_CHECKPOINT_URL = "http://127.0.0.1:9/nobody-listens"
    assert checkpoints.checkpoint_send(checkpoint_id=checkpoint.pk, attempt=0) > 0


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process, as gunicorn and the worker do at start."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AUDIT_CHECKPOINT", "HUBMOD_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**base, "DJANGO_SETTINGS_MODULE": "hubmod.settings", "SECRET_KEY": "s" * 50, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_signing_key():
    refused = start({"HUBMOD_REQUIRE_SECRET_KEY": "true"})
    assert refused.returncode != 0
    assert "AUDIT_CHECKPOINT_SIGNING_KEY must be set in production" in refused.stderr

    malformed = start({"HUBMOD_REQUIRE_SECRET_KEY": "true", "AUDIT_CHECKPOINT_SIGNING_KEY": "c2hvcnQ="})
    assert "must be a raw 32-byte Ed25519 private key in base64" in malformed.stderr

    private, public = new_key()
    bad_old_key = start({"AUDIT_CHECKPOINT_SIGNING_KEY": private, "AUDIT_CHECKPOINT_VERIFY_KEYS": f"{public},nope"})
    assert "AUDIT_CHECKPOINT_VERIFY_KEYS" in bad_old_key.stderr

    assert start({"HUBMOD_REQUIRE_SECRET_KEY": "true", "AUDIT_CHECKPOINT_SIGNING_KEY": private}).stdout == "started\n"
    assert start({}).stdout == "started\n"  # development: the derived key


@pytest.mark.django_db
def test_the_file_gets_the_checkpoints_it_missed_once_it_can_be_written(settings, signing, tmp_path):
    path = tmp_path / "not-yet" / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(path)
    record(2)

    with pytest.raises(CommandError, match="Signed, but the checkpoint file could not be written"):
        call_command("publish_audit_checkpoint", stdout=StringIO())
    path.parent.mkdir()
    publish_by_beat()  # no new event: nothing new to sign, but the file catches up
    record(1, start=2)
    publish_by_beat()

    assert [json.loads(line)["seq"] for line in path.read_text().splitlines()] == [2, 3]


@pytest.mark.django_db
def test_the_log_says_when_no_operator_sink_is_set(settings, signing):
    settings.AUDIT_CHECKPOINT_FILE = settings.AUDIT_CHECKPOINT_URL = ""
    record(1)

    with capture_logs() as logs:
        publish_by_beat()

    [line] = [entry for entry in logs if entry["event"] == "audit.checkpoint"]
    assert line["operator_sinks"] == "none: AUDIT_CHECKPOINT_FILE and AUDIT_CHECKPOINT_URL are unset"
