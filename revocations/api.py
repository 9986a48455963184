"""The public revocation feed (API.md, "Quarantine, protected names and the revocation feed"):
pages of signed entries, served as their exact canonical bytes, and the key that verifies them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import validated
from hubmod.schema import error
from revocations import feed
from revocations.keys import ALGORITHM, signing_key
from revocations.selectors import CURSOR_HELP, revocations_page

# A full page's entries never change, so caches and mirrors may keep it for good; the last page
# grows as entries are published, so they ask again soon.
IMMUTABLE = "public, max-age=31536000, immutable"


class CursorSerializer(serializers.Serializer):
    cursor = serializers.RegexField(
        r"^[0-9]{1,16}$",
        required=False,
        trim_whitespace=False,
        help_text=CURSOR_HELP,
        error_messages={"invalid": CURSOR_HELP},
    )

    def validate_cursor(self, value: str) -> int:
        after = int(value)
        if after > feed.MAX_SEQ:
            raise serializers.ValidationError(f"No feed reaches seq {after}. {CURSOR_HELP}")
        return after


ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "seq": {"type": "integer", "minimum": 1},
        "action": {"type": "string", "description": "The enforcement action that published it."},
        "repository": {"type": "string", "description": "owner/name"},
        "revision": {"type": "string", "description": "Absent: any revision."},
        "sha256": {"type": "string", "description": "Present: the entry is about these bytes."},
        "severity": {"type": "string", "enum": ["hard", "soft"]},
        "reason": {"type": "string", "description": "The report category key."},
        "statement_url": {"type": "string", "format": "uri"},
        "revoked_at": {"type": "string", "format": "date-time"},
        "lifted_at": {"type": "string", "format": "date-time", "description": "Present on a lift only."},
        "lifts": {"type": "integer", "description": "On a lift: the seq of the entry it lifts."},
        "sig": {"type": "string", "description": "base64 Ed25519 signature of the entry."},
    },
    "required": ["seq", "action", "repository", "severity", "reason", "statement_url", "revoked_at", "sig"],
}


class RevocationFeedApi(APIView):
    """Anyone may read the feed; it is signed so that nobody need trust where they read it."""

    authentication_classes: list = []

    @extend_schema(
        operation_id="revocations_list",
        parameters=[OpenApiParameter("cursor", OpenApiTypes.STR, description=CURSOR_HELP)],
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "properties": {
                        "after": {"type": "integer"},
                        "entries": {"type": "array", "items": ENTRY_SCHEMA},
                        "feed": {"type": "string", "enum": [feed.FEED]},
                        "key_id": {"type": "string"},
                        "next": {"type": "string", "nullable": True},
                        "signature": {"type": "string"},
                    },
                    "required": ["after", "entries", "feed", "key_id", "next", "signature"],
                },
                description="One page of the feed, RFC 8785 canonical JSON, signed (docs/revocation-feed.md).",
            ),
            **error(400),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = validated(CursorSerializer, {k: v for k, v in request.query_params.items() if k == "cursor" and v})
        page = revocations_page(after=query.get("cursor", 0))
        response = HttpResponse(page.body, content_type="application/json")
        response["Cache-Control"] = IMMUTABLE if page.full else f"public, max-age={settings.REVOCATION_TAIL_MAX_AGE}"
        return response


class KeyOutputSerializer(serializers.Serializer):
    feed = serializers.CharField()
    key_id = serializers.CharField(help_text="sha256 of the raw public key, first 16 hex digits.")
    algorithm = serializers.CharField(help_text="`Ed25519`")
    public_key = serializers.CharField(help_text="The raw 32-byte Ed25519 public key, base64.")
    development = serializers.BooleanField(help_text="True: a development key, never to be pinned.")


class RevocationKeyApi(APIView):
    """The key that verifies the feed. Pin it from here over TLS, or from the README; never take a
    new key from a page of the feed itself (docs/revocation-feed.md, key rotation)."""

    authentication_classes: list = []

    @extend_schema(operation_id="revocations_key", responses=KeyOutputSerializer)
    def get(self, request: Request) -> Response:
        key = signing_key()
        body = {
            "feed": feed.FEED,
            "key_id": key.key_id,
            "algorithm": ALGORITHM,
            "public_key": key.public_b64,
            "development": key.development,
        }
        return Response(body, headers={"Cache-Control": "public, max-age=3600"})


class RevocationKeyWellKnown(RevocationKeyApi):
    """The same answer at /.well-known/hubmod-revocations.json, where a mirror looks for it first."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return super().get(request)
