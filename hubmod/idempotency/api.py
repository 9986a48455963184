"""Idempotent filing: a POST sent again with the same Idempotency-Key gets the first answer again.

A client that timed out, or got a 503 while the database restarted, cannot know whether its report
was stored; it sends the same request with the same key, and hubmod files it at most once. The key
is claimed in the same transaction as the filing: a second request with the key waits on the first
(PostgreSQL holds it at the unique index) and then replays its answer, and a filing that fails
rolls its claim back, so the retry files for real. Only a 2xx answer is kept: a refusal changed
nothing and may not be the answer next time (a rate limit passes, a typo is corrected).
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.response import Response

from hubmod.auth import HubPrincipal
from hubmod.idempotency.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
KEPT_FOR = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    pattern=KEY_PATTERN.pattern,
    description="Any value of yours, e.g. a UUID, the same on every retry of one request: a retry with the same "
    "key and body gets the first answer (with Idempotent-Replayed: true) and files nothing new; the same key "
    "with another body is 422. Keys are kept for a day.",
)


def idempotent(endpoint: str):
    """Decorate an APIView's post(): honour an Idempotency-Key header (API.md, Idempotent intake)."""

    def decorate(post):
        @functools.wraps(post)
        def honouring_the_key(view, request, *args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return post(view, request, *args, **kwargs)
            if not KEY_PATTERN.fullmatch(key):
                raise serializers.ValidationError(
                    {HEADER: ["Use 1 to 255 visible ASCII characters, e.g. a UUID, and the same one on every retry."]}
                )
            claim = {"endpoint": endpoint, "caller": _caller(request), "key": key}
            body_sha256 = hashlib.sha256(request.body).hexdigest()
            with transaction.atomic():
                stored = _claim(claim, body_sha256)
                if stored is None:
                    return _replay(IdempotentRequest.objects.get(**claim), body_sha256)
                response = post(view, request, *args, **kwargs)
                if not status.is_success(response.status_code):
                    transaction.set_rollback(True)  # nothing to keep; the key stays free for a retry
                    return response
                stored.status_code, stored.response = response.status_code, response.data
                stored.save(update_fields=["status_code", "response"])
                return response

        return honouring_the_key

    return decorate


def _claim(claim: dict, body_sha256: str) -> IdempotentRequest | None:
    """The key taken for this request, or None when a request before it took it. In a savepoint:
    the refused INSERT must not spoil the filing's transaction."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(**claim, body_sha256=body_sha256, status_code=0, response={})
    except IntegrityError:
        return None


def _caller(request) -> str:
    """Keys are the caller's own: another caller's key with the same value is another request."""
    user = request.user
    if isinstance(user, HubPrincipal):
        return f"hub:{user.key.pk}"
    if user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"


def _replay(stored: IdempotentRequest, body_sha256: str) -> Response:
    if stored.body_sha256 != body_sha256:
        return Response(
            {
                "detail": f"This {HEADER} was used with a different body. A new request needs a new key; "
                "a retry must send the same body."
            },
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(stored.response, status=stored.status_code, headers={REPLAYED_HEADER: "true"})


def idempotency_keys_expire() -> int:
    """Forget keys older than KEPT_FOR: a retry comes within minutes, not days."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
