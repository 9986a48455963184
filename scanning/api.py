"""The public verdict on a file's contents (API.md, artifact scanning)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scanning.models import FileScan, Verdict
from scanning.selectors import file_scan_get


class FindingSerializer(serializers.Serializer):
    kind = serializers.CharField()
    detail = serializers.CharField()
    member = serializers.CharField(required=False)


class ScannerResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    findings = FindingSerializer(many=True)


class FileScanOutputSerializer(serializers.ModelSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    scanners = ScannerResultSerializer(many=True)

    class Meta:
        model = FileScan
        fields = ["sha256", "verdict", "reason", "scanners", "scanned_at"]


class FileScanApi(APIView):
    """Verdicts are public: anyone may check a file before loading it. Anything but a digest hubmod
    was told about (64 lowercase hex digits) is not found."""

    @extend_schema(operation_id="file_scan_get", responses=FileScanOutputSerializer)
    def get(self, request: Request, sha256: str) -> Response:
        scan = file_scan_get(sha256=sha256)
        if scan is None:
            raise Http404
        return Response(FileScanOutputSerializer(scan).data)
