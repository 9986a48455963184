"""Signed checkpoints of the audit chain: what makes it tamper-evident against the database's writers.

The chain's hashes are unkeyed, so whoever can write the database can edit an event and recompute
every hash after it. A checkpoint is the chain's head (its length `seq` and last `hash`) at a time,
signed with an Ed25519 key that is not in the database, and published where the database's writers
cannot take it back: the structured log, the operator's sink (an append-only file, an HTTP endpoint)
and the public endpoint, from which anyone may keep copies. `verify_audit_log` then checks that the
chain still has, at each checkpoint's seq, the hash the checkpoint signed. docs/audit-checkpoints.md
describes the format for outsiders.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import httpx
import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubmod.audit.log import Anchor, Head, verify_chain
from hubmod.audit.models import AuditChainHead, AuditCheckpoint
from hubmod.tasks import dispatch_now, retry_backoff

logger = structlog.get_logger("hubmod.audit")

FORMAT = "hubmod-audit-checkpoint/1"
_AT = "%Y-%m-%dT%H:%M:%SZ"
_DEVELOPMENT_KEY_CONTEXT = b"hubmod audit checkpoint development key\x00"


class CheckpointRefused(Exception):
    """The chain since the last checkpoint does not hold: signing its head would vouch for an edit."""


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    # Derived from SECRET_KEY because AUDIT_CHECKPOINT_SIGNING_KEY is unset: fit for development only.
    development: bool

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def signing_key() -> SigningKey:
    configured = settings.AUDIT_CHECKPOINT_SIGNING_KEY
    if configured:
        return SigningKey(Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured)), development=False)
    # Stable across restarts (checkpoints signed yesterday still verify) and never a key anyone
    # should trust: settings refuse to start production without a configured one.
    seed = hashlib.sha256(_DEVELOPMENT_KEY_CONTEXT + settings.SECRET_KEY.encode()).digest()
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed), development=True)


def public_key_parse(encoded: str) -> bytes:
    """A raw 32-byte Ed25519 public key from its base64; ValueError saying what is wrong otherwise."""
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise ValueError("not a raw 32-byte Ed25519 public key in base64")
    return raw


def public_keys() -> dict[str, bytes]:
    """Every public key a checkpoint may be signed with, by key id: the current one and those
    rotated out (AUDIT_CHECKPOINT_VERIFY_KEYS)."""
    keys = {}
    for encoded in settings.AUDIT_CHECKPOINT_VERIFY_KEYS:
        raw = public_key_parse(encoded)
        keys[key_id(raw)] = raw
    current = signing_key().public_raw
    keys[key_id(current)] = current
    return keys


def message(*, seq: int, hash: str, at: str) -> bytes:
    """The bytes signed: canonical JSON (sorted keys, no spaces) of the format, seq, hash and time."""
    body = {"format": FORMAT, "seq": seq, "hash": hash, "at": at}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def as_published(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """A checkpoint as every sink and the public endpoint carry it."""
    return {
        "format": FORMAT,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.created_at.astimezone(UTC).strftime(_AT),
        "algorithm": "Ed25519",
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


@dataclass(frozen=True)
class Published:
    checkpoint: AuditCheckpoint
    created: bool
    development_key: bool
    sinks: list[str]


def checkpoints_after(*, seq: int, limit: int) -> list[AuditCheckpoint]:
    """Published checkpoints past `seq`, oldest first: a page of the public list."""
    return list(AuditCheckpoint.objects.filter(seq__gt=seq).order_by("seq")[:limit])


def checkpoint_publish() -> Published | None:
    """Sign the chain's head and publish it; None while the chain is empty.

    Only a chain that still links to the last checkpoint is signed: the events appended since are
    walked first, and a break raises CheckpointRefused instead of vouching for it. A head that has
    not moved since the last checkpoint is not signed again. Idempotent: the sinks get what they
    have not had yet.
    """
    key = signing_key()
    checkpoint, created = _checkpoint_make(key)
    if checkpoint is None:
        return None
    published = as_published(checkpoint)
    operator_sinks = [settings.AUDIT_CHECKPOINT_FILE, settings.AUDIT_CHECKPOINT_URL]
    if created:
        logger.info(
            "audit.checkpoint",
            development_key=key.development,
            operator_sinks=", ".join(filter(None, operator_sinks))
            or "none: AUDIT_CHECKPOINT_FILE and AUDIT_CHECKPOINT_URL are unset",
            **published,
        )
    sinks = ["log", "public endpoint"]
    if settings.AUDIT_CHECKPOINT_URL and created:
        dispatch_now("audit.checkpoint_send", checkpoint.pk)
        sinks.append(f"POST {settings.AUDIT_CHECKPOINT_URL}")
    if settings.AUDIT_CHECKPOINT_FILE:
        # Last: a file that cannot be written raises (the command says so, the task fails visibly)
        # after everything else is done; the next run appends what this one could not.
        appended = checkpoints_append_to_file(path=Path(settings.AUDIT_CHECKPOINT_FILE))
        sinks.append(f"file {settings.AUDIT_CHECKPOINT_FILE} (+{appended})")
    return Published(checkpoint, created, key.development, sinks)


def _checkpoint_make(key: SigningKey) -> tuple[AuditCheckpoint | None, bool]:
    # The head as committed: its events were committed with it, so all of them are visible here.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None, False
    last = AuditCheckpoint.objects.order_by("-seq").first()
    if last is not None and last.seq >= head.seq:
        return last, False
    check = verify_chain(after=Head(last.seq, last.hash) if last else None, until=head.seq)
    if check.problem:
        since = f"checkpoint {last.seq}" if last else "the first event"
        logger.error("audit.checkpoint_refused", broken_seq=check.broken_seq, problem=check.problem, since=since)
        raise CheckpointRefused(f"The audit log since {since} is broken at event {check.broken_seq}: {check.problem}.")
    at = timezone.now().replace(microsecond=0)
    signature = key.private.sign(message(seq=head.seq, hash=head.hash, at=at.astimezone(UTC).strftime(_AT)))
    try:
        with transaction.atomic():
            return AuditCheckpoint.objects.create(
                seq=head.seq,
                hash=head.hash,
                created_at=at,
                key_id=key_id(key.public_raw),
                signature=base64.b64encode(signature).decode(),
            ), True
    except IntegrityError:
        # Beat and an operator's command signed the same head at once: one row is the checkpoint.
        return AuditCheckpoint.objects.get(seq=head.seq), False


def checkpoints_append_to_file(*, path: Path) -> int:
    """Append to `path` every checkpoint after the last one it holds, one JSON line each; returns
    how many. The file catches up after a failed write, and is only ever appended to."""
    after = _last_seq_in(path)
    lines = [
        json.dumps(as_published(c), sort_keys=True) + "\n"
        for c in AuditCheckpoint.objects.filter(seq__gt=after).order_by("seq")
    ]
    if lines:
        # O_APPEND: each write lands at the end, whatever else appends; fsync before saying done.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, "".join(lines).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    return len(lines)


def _last_seq_in(path: Path) -> int:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 8192))
            tail = f.read().splitlines()
    except FileNotFoundError:
        return 0
    for line in reversed(tail):
        try:
            return int(json.loads(line)["seq"])
        except (ValueError, KeyError, TypeError):
            continue
    return 0


@dataclass(frozen=True)
class CheckpointProblem:
    source: str
    problem: str


def checkpoints_read(lines: Iterable[str], *, origin: str) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """(name, checkpoint) per non-empty line; the checkpoint is None where the line is not one."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name = f"{origin} line {number}"
        try:
            row = json.loads(line)
        except ValueError:
            yield name, None
            continue
        yield name, row if isinstance(row, dict) else None


def anchors_from(
    checkpoints: Iterable[tuple[str, dict[str, Any] | None]], *, keys: dict[str, bytes]
) -> tuple[dict[int, Anchor], CheckpointProblem | None]:
    """The checkpoints whose signatures verify with one of `keys`, as anchors by seq; or the first
    one that does not verify, or that contradicts another."""
    anchors: dict[int, Anchor] = {}
    for name, row in checkpoints:
        if row is None:
            return anchors, CheckpointProblem(name, "is not a checkpoint (not a JSON object)")
        try:
            seq, digest, at = int(row["seq"]), str(row["hash"]), str(row["at"])
            signature = base64.b64decode(row["signature"], validate=True)
            kid = str(row["key_id"])
        except (KeyError, TypeError, ValueError):
            return anchors, CheckpointProblem(name, "is not a checkpoint (seq, hash, at, key_id, signature)")
        label = f"checkpoint {seq} of {at} ({name})"
        public = keys.get(kid)
        if public is None:
            return anchors, CheckpointProblem(label, f"is signed by key {kid}, which is not a trusted key")
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, message(seq=seq, hash=digest, at=at))
        except InvalidSignature:
            return anchors, CheckpointProblem(label, "has a signature that does not verify: forged or altered")
        known = anchors.get(seq)
        if known is not None and known.hash != digest:
            return anchors, CheckpointProblem(label, f"contradicts {known.source}, signed for the same seq")
        anchors[seq] = Anchor(digest, label)
    return anchors, None


def checkpoints_stored() -> Iterator[tuple[str, dict[str, Any] | None]]:
    for checkpoint in AuditCheckpoint.objects.order_by("seq").iterator(chunk_size=2000):
        yield "the database's copy", as_published(checkpoint)


def checkpoint_send(*, checkpoint_id: int, attempt: int) -> float | None:
    """POST one checkpoint to AUDIT_CHECKPOINT_URL. Returns seconds to wait before trying again
    (no answer, 429, 5xx) or None when done: delivered, refused for good (another 4xx), or out
    of attempts. The receiver may deduplicate on `seq`."""
    checkpoint = AuditCheckpoint.objects.filter(pk=checkpoint_id).first()
    url = settings.AUDIT_CHECKPOINT_URL
    if checkpoint is None or not url:
        return None
    headers = {"content-type": "application/json"}
    if settings.AUDIT_CHECKPOINT_URL_TOKEN:
        headers["authorization"] = f"Bearer {settings.AUDIT_CHECKPOINT_URL_TOKEN}"
    body = json.dumps(as_published(checkpoint), sort_keys=True)
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=settings.AUDIT_CHECKPOINT_TIMEOUT)
        status, error = response.status_code, f"answered {response.status_code}"
    except httpx.HTTPError as exc:
        status, error = None, f"no answer: {type(exc).__name__}"
    if status is not None and 200 <= status < 300:
        logger.info("audit.checkpoint_sent", seq=checkpoint.seq, url=url)
        return None
    retryable = status is None or status == 429 or status >= 500
    if retryable and attempt + 1 < settings.AUDIT_CHECKPOINT_MAX_ATTEMPTS:
        logger.warning("audit.checkpoint_send_retry", seq=checkpoint.seq, url=url, error=error, attempt=attempt + 1)
        return retry_backoff(attempt + 1, base=5.0)
    # The checkpoint stays in the log, the file and the public endpoint; the next one is sent anyway.
    logger.error("audit.checkpoint_send_failed", seq=checkpoint.seq, url=url, error=error, attempts=attempt + 1)
    return None
