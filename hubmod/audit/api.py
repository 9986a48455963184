"""The audit chain's signed checkpoints, public: anyone may fetch and keep them, so an edit of the
log that its writers covered by recomputing the chain still disagrees with the copies held outside."""

from __future__ import annotations

import base64

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import MAX_ID, validated
from hubmod.audit.checkpoints import as_published, checkpoints_after, key_id, public_keys, signing_key
from hubmod.schema import error

PAGE = 1000


class CheckpointOutputSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="`hubmod-audit-checkpoint/1`")
    seq = serializers.IntegerField(help_text="The chain's length: seq of its last event.")
    hash = serializers.CharField(help_text="sha256 (hex) of the event at `seq`.")
    at = serializers.CharField(help_text="When it was signed, UTC, `YYYY-MM-DDTHH:MM:SSZ`.")
    algorithm = serializers.CharField(help_text="`Ed25519`")
    key_id = serializers.CharField(help_text="First 16 hex digits of the sha256 of the public key.")
    signature = serializers.CharField(
        help_text='base64 Ed25519 signature of the canonical JSON of {"at", "format", "hash", "seq"} '
        "(sorted keys, no spaces)."
    )


class CheckpointPageSerializer(serializers.Serializer):
    results = CheckpointOutputSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one.")


class AuditCheckpointListApi(APIView):
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False, default=0)

    @extend_schema(
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Only checkpoints with a larger seq (default 0).")
        ],
        responses={200: CheckpointPageSerializer, **error(400)},
        description=f"Signed checkpoints of the audit log, oldest first, at most {PAGE} a page.",
    )
    def get(self, request):
        after = validated(self.InputSerializer, dict(request.query_params.items()))["after"]
        rows = checkpoints_after(seq=after, limit=PAGE + 1)
        more = len(rows) > PAGE
        rows = rows[:PAGE]
        following = None
        if more:
            following = request.build_absolute_uri(f"{request.path}?after={rows[-1].seq}")
        return Response({"results": [as_published(row) for row in rows], "next": following})


class PublicKeyOutputSerializer(serializers.Serializer):
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="The raw 32-byte Ed25519 public key, base64.")
    current = serializers.BooleanField(help_text="Signs new checkpoints; the others signed earlier ones.")


class KeysOutputSerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    keys = PublicKeyOutputSerializer(many=True)
    development = serializers.BooleanField(
        help_text="True when the signing key is the development key derived from the deployment's secret: "
        "its checkpoints prove nothing."
    )


class AuditCheckpointKeysApi(APIView):
    authentication_classes: list = []

    @extend_schema(responses={200: KeysOutputSerializer}, description="The public keys that verify the checkpoints.")
    def get(self, request):
        key = signing_key()
        current = key_id(key.public_raw)
        keys = [
            {"key_id": kid, "public_key": base64.b64encode(raw).decode(), "current": kid == current}
            for kid, raw in public_keys().items()
        ]
        return Response({"algorithm": "Ed25519", "keys": keys, "development": key.development})
