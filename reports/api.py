"""The report intake API of API.md."""

import re

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api import REPO_ID_PATTERN
from hub.models import HANDLE_PATTERN
from hubmod.api import require_perm, validated
from hubmod.auth import HubPrincipal, actor_for
from hubmod.idempotency.api import KEY_PARAMETER as IDEMPOTENCY_KEY
from hubmod.idempotency.api import idempotent
from hubmod.schema import error
from reports.categories import CATEGORIES
from reports.evidence import evidence_for_download, evidence_read
from reports.lines import LINES_PATTERN, parse_lines
from reports.models import Report
from reports.notices import status_url
from reports.plain_input import plain_report
from reports.selectors import report_status, report_with_receipt
from reports.services import Origin, ReporterIdentity, Subject, report_add_evidence, report_file
from reports.throttle import client_address, intake_throttle


class ReportCategoriesApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        responses=inline_serializer(
            "ReportCategory",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "description": serializers.CharField(),
                "subject_types": serializers.ListField(child=serializers.CharField()),
                "reporter_identity": serializers.CharField(),
                "fields": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {
                    "key": c.key,
                    "label": c.label,
                    "description": c.description,
                    "subject_types": list(c.subject_types),
                    "reporter_identity": c.reporter_identity,
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "required": f.required or f.must_be_true,
                            "help": f.help,
                            **({"choices": [value for value, _ in f.choices]} if f.choices else {}),
                            **({"statement": f.statement} if f.statement else {}),
                            **({"choices_url": "/api/v1/licenses"} if f.type.startswith("license") else {}),
                        }
                        for f in c.fields
                    ],
                }
                for c in CATEGORIES.values()
            ]
        )


class SubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["repository", "account"])
    id = serializers.CharField(max_length=200)
    revision = serializers.RegexField(
        r"^[0-9a-f]{7,64}$",
        required=False,
        error_messages={"invalid": "Use a commit sha: 7 to 64 lowercase hex digits."},
    )
    path = serializers.CharField(max_length=1024, required=False, help_text="The file in the repository.")
    lines = serializers.RegexField(
        LINES_PATTERN,
        required=False,
        help_text="A line or line range in that file: '12' or '10-40'.",
        error_messages={"invalid": "Use a line number or a range such as 10-40."},
    )

    def validate(self, attrs):
        lines = parse_lines(attrs.get("lines", ""))
        if lines and lines[1] < lines[0]:
            raise serializers.ValidationError({"lines": ["The range ends before it starts."]})
        if (attrs.get("path") or lines) and attrs["type"] != "repository":
            raise serializers.ValidationError({"path": ["Only a repository has files and lines."]})
        pattern = REPO_ID_PATTERN if attrs["type"] == "repository" else rf"^{HANDLE_PATTERN}$"
        if not re.match(pattern, attrs["id"]):
            example = "owner/name" if attrs["type"] == "repository" else "the account's handle"
            raise serializers.ValidationError({"id": [f"Use {example}."]})
        return attrs


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class ReportCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject = SubjectSerializer()
        category = serializers.ChoiceField(choices=list(CATEGORIES))
        details = serializers.DictField(help_text="The category's fields; see GET /api/v1/report-categories.")
        reporter = ReporterSerializer(required=False)
        on_behalf_of = serializers.RegexField(rf"^{HANDLE_PATTERN}$", required=False, help_text="Hub keys only.")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        receipt = serializers.CharField()
        status_url = serializers.URLField()
        case_id = serializers.IntegerField()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            **error(403, "The reporter is suspended from filing reports."),
            **error(409, "No case could be opened for the report; try again."),
            **error(429, "Too many reports from this address or reporter; nothing was filed."),
            **error(422, "This Idempotency-Key was used with a different body; nothing was filed."),
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent("reports")
    def post(self, request):
        data = plain_report(request.data) or validated(self.InputSerializer, request.data)
        is_hub = isinstance(request.user, HubPrincipal)
        if "on_behalf_of" in data and not is_hub:
            raise serializers.ValidationError(
                {"on_behalf_of": ["Only a hub integration key may report on behalf of a user."]}
            )
        reporter = data.get("reporter", {})
        intake_throttle(request, reporter_email=reporter.get("email", ""), from_hub=is_hub)
        subject = data["subject"]
        report, receipt = report_file(
            actor=actor_for(request),
            subject=Subject(
                subject["type"],
                subject["id"],
                subject.get("revision", ""),
                path=subject.get("path", ""),
                lines=parse_lines(subject.get("lines", "")),
            ),
            category=data["category"],
            details=data["details"],
            reporter=ReporterIdentity(name=reporter.get("name", ""), email=reporter.get("email", "")),
            origin=Origin(
                source=Report.Source.HUB if is_hub else Report.Source.API,
                client_address=client_address(request),
                on_behalf_of=data.get("on_behalf_of", ""),
                language=request.LANGUAGE_CODE,
            ),
        )
        body = {
            "id": report.pk,
            "receipt": receipt,
            "status_url": status_url(report, receipt),
            "case_id": report.case_id,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ReportStatusApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="report.pk")
        status = serializers.ChoiceField(choices=["received", "in_review", "actioned", "dismissed", "reversed"])
        decided_at = serializers.DateTimeField(required=False)
        outcome = serializers.CharField(required=False)
        decision = serializers.IntegerField(required=False)

    @extend_schema(
        parameters=[OpenApiParameter("receipt", str, required=True, description="The receipt given when filing.")],
        responses=OutputSerializer,
    )
    def get(self, request, report_id: int):
        report = report_with_receipt(report_id=report_id, receipt=request.query_params.get("receipt", ""))
        if report is None:
            raise Http404
        found = report_status(report)
        body = {"id": report.pk, "status": found.status}
        if found.decision is not None:
            body.update(
                decided_at=found.decided_at.isoformat() if found.decided_at else None,
                outcome=found.outcome,
                decision=found.decision.pk,
            )
        return Response(body)


class ReportEvidenceApi(APIView):
    """Attach files to a report, for whoever holds its receipt (multipart, field `file`)."""

    parser_classes = [MultiPartParser]

    class OutputSerializer(serializers.Serializer):
        sha256 = serializers.CharField()
        size = serializers.IntegerField()
        content_type = serializers.CharField()

    @extend_schema(
        parameters=[OpenApiParameter("receipt", str, required=True, description="The receipt given when filing.")],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        },
        responses={201: OutputSerializer(many=True)},
    )
    def post(self, request, report_id: int):
        report = report_with_receipt(report_id=report_id, receipt=request.query_params.get("receipt", ""))
        if report is None:
            raise Http404
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise serializers.ValidationError({"file": ["Attach at least one file in the 'file' field."]})
        stored = report_add_evidence(report_id=report.pk, actor=actor_for(request), files=evidence_read(uploads))
        return Response(self.OutputSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadApi(APIView):
    """Staff: one evidence file's bytes. A restricted case's evidence (child safety, escalated to
    legal) is legal's alone; a file deleted by the retention purge is 410."""

    permission_classes = [require_perm("moderation.view_case")]

    @extend_schema(
        operation_id="evidence_download",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error(403, "Not staff, or the case is restricted and you are not legal."),
            **error(404, "No evidence has this id."),
            **error(410, "Deleted under the evidence retention rule; digest and size are kept."),
        },
    )
    def get(self, request, evidence_id: int):
        evidence = evidence_for_download(evidence_id=evidence_id, user=request.user)
        if evidence is None:
            raise Http404
        response = FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name or "evidence"
        )
        response["Content-Type"] = "application/octet-stream"
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Evidence-SHA256"] = evidence.sha256
        return response
