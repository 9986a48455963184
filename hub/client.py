"""HubClient: the one place that tells the hub what to enforce, by signed webhook.

Signatures follow the Standard Webhooks specification (https://www.standardwebhooks.com), so a
hub verifies them with an off-the-shelf library: `webhook-id` is the event's idempotency key and
stays the same on every retry; `webhook-signature` holds one `v1,<base64 HMAC-SHA256>` per
configured secret, which is how a secret is rotated without dropping a delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

import httpx
from django.conf import settings
from django.utils import timezone

from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from hubmod.tasks import retry_backoff


class Delivery(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # 429, 5xx, no answer in time: try again later with the same webhook-id
    REJECTED = "rejected"  # any other 4xx: the hub refuses it; retrying would not help


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Delivery
    detail: str = ""


RETRY_CAP_SECONDS = 3600


def retry_delay(attempt: int) -> float:
    """Seconds before delivery attempt `attempt + 1`: exponential, capped, with jitter."""
    return retry_backoff(attempt, base=settings.ENFORCEMENT_RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS)


def _secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(*, secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(_secret_bytes(s), signed, hashlib.sha256).digest()).decode() for s in secrets
    )


_client: httpx.Client | None = None
_client_pid: int | None = None


def _http() -> httpx.Client:
    """One HTTP client per process: its TLS context and kept-alive connections are reused.

    Building a client loads the CA bundle (~25 ms here), which per delivery was most of its cost.
    Made lazily and again after a fork, so prefork workers never share a parent's sockets.
    """
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        _client = httpx.Client(limits=httpx.Limits(max_keepalive_connections=4))
        _client_pid = os.getpid()
    return _client


class HubClient:
    def __init__(self, *, url: str | None = None, secrets: list[str] | None = None):
        self.url = url if url is not None else settings.HUB_WEBHOOK_URL
        self.secrets = secrets if secrets is not None else settings.HUB_WEBHOOK_SECRET.split()
        self.timeout = httpx.Timeout(settings.HUB_WEBHOOK_READ_TIMEOUT, connect=settings.HUB_WEBHOOK_CONNECT_TIMEOUT)

    def send(self, *, msg_id: str, payload: dict) -> DeliveryResult:
        """POST one event. Inside a database transaction this holds its locks while the hub answers:
        only an enforcement batch does, on purpose (its claimed actions stay locked while sent)."""
        if not self.url:
            return DeliveryResult(Delivery.RETRY, "HUB_WEBHOOK_URL is not set; set it and the action is retried.")
        if not self.secrets:
            return DeliveryResult(Delivery.RETRY, "HUB_WEBHOOK_SECRET is not set; the hub could not verify us.")
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secrets=self.secrets, msg_id=msg_id, timestamp=timestamp, body=body),
        }
        try:
            response = _http().post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            return DeliveryResult(Delivery.RETRY, f"The hub did not answer within {self.timeout.read:g} s.")
        except httpx.HTTPError as exc:
            return DeliveryResult(Delivery.RETRY, f"Could not reach the hub: {exc.__class__.__name__}: {exc}")
        detail = f"HTTP {response.status_code}: {response.text[:500]}"
        if response.is_success:
            return DeliveryResult(Delivery.DELIVERED, f"HTTP {response.status_code}")
        if response.status_code == 429 or response.status_code >= 500:
            return DeliveryResult(Delivery.RETRY, detail)
        return DeliveryResult(Delivery.REJECTED, detail)


def delivery_record(row, result: DeliveryResult, *, delivered: str) -> float | None:
    """Record one delivery attempt on an outbox row (an enforcement action, a hub event) the
    caller has locked: transition `delivered` on a 2xx, fail it when the hub refuses or attempts
    run out, else schedule the next attempt. Returns the seconds to wait, or None when done."""
    attempts = row.attempts + 1
    if result.outcome is Delivery.DELIVERED:
        audit.transition(
            row, delivered, actor=SYSTEM, at=timezone.now(), attempts=attempts, data={"hub": result.detail}
        )
        return None
    if result.outcome is Delivery.REJECTED or attempts >= settings.ENFORCEMENT_MAX_ATTEMPTS:
        audit.transition(row, "mark_failed", actor=SYSTEM, error=result.detail, attempts=attempts)
        return None
    delay = retry_delay(attempts)
    row.attempts = attempts
    row.last_error = result.detail
    row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    row.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
    return delay
